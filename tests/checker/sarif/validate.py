#!/usr/bin/python3
"""Validate SARIF files against the OASIS SARIF 2.1.0 schema kept beside
this script. Exit 0 if every file is valid; else print each error, with
where in the document it is, and exit 1.

Usage: tests/checker/sarif/validate.py FILE...
"""
import json
import pathlib
import sys

import jsonschema

SCHEMA = pathlib.Path(__file__).with_name("sarif-schema-2.1.0.json")


def main(paths):
    schema = json.loads(SCHEMA.read_text())
    # The schema is draft-04; FormatChecker also checks "uri" and
    # "date-time" where the Debian packages for them are installed.
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
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
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip())
    sys.exit(main(sys.argv[1:]))
