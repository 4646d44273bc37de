#!/usr/bin/python3
"""Validate JSON files against a JSON schema kept beside this script.
Exit 0 if every file is valid; else print each error, with where in the
document it is, and exit 1.

Usage: tests/checker/schemas/validate.py SCHEMA FILE...
  SCHEMA  sarif-2.1.0 (the OASIS schema), gradescope-results (Gradescope's
          results.json as its documentation describes it), or a path
"""
import json
import pathlib
import sys

import jsonschema

HERE = pathlib.Path(__file__).parent


def load_schema(name):
    path = pathlib.Path(name)
    if not path.exists():
        path = HERE / (name + ".json")
    return json.loads(path.read_text())


def main(schema_name, paths):
    schema = load_schema(schema_name)
    # Draft 4 for the SARIF schema, which says so; the others declare
    # theirs. FormatChecker also checks "uri" and "date-time" where the
    # Debian packages for them are installed.
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft4Validator)
    validator = cls(schema, format_checker=jsonschema.FormatChecker())
    bad = 0
    for path in paths:
        with open(path) as f:
            document = json.load(f)
        for error in sorted(validator.iter_errors(document), key=lambda e: list(e.path)):
            where = "/".join(str(p) for p in error.absolute_path) or "(top)"
            print(f"{path}: {where}: {error.message}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__.strip())
    sys.exit(main(sys.argv[1], sys.argv[2:]))
