#!/usr/bin/python3
"""The checks of make test-autograders that read files (run by test-autograders.sh).

Usage: tests/autograders/checks.py workflow FILE.yml
       tests/autograders/checks.py zip FILE.zip EXERCISE
       tests/autograders/checks.py gradescope results.json [SCENARIO...]
       tests/autograders/checks.py classroom classroom.json

Prints each problem found and exits 1 if there was one. Debian's python3
(python3-yaml, python3-jsonschema), as scripts/deps.sh installs it.
"""
import json
import pathlib
import subprocess
import sys
import zipfile

import yaml

SCHEMAS = pathlib.Path(__file__).parent.parent / "checker" / "schemas"


def workflow(path):
    """Shaped as GitHub Classroom and its grading reporter need it."""
    doc = yaml.safe_load(pathlib.Path(path).read_text())
    if doc.get("name") != "Autograding Tests":
        yield "Classroom reads only a workflow named 'Autograding Tests'"
    # YAML 1.1 reads a bare `on:` key as the boolean true.
    if "push" not in doc.get("on", doc.get(True, [])):
        yield "the workflow must run on push"
    jobs = doc.get("jobs", {})
    if list(jobs) != ["run-autograding-tests"]:
        yield "Classroom wants one job, named run-autograding-tests"
        return
    job = jobs["run-autograding-tests"]
    if job.get("runs-on") not in ("ubuntu-22.04", "ubuntu-24.04"):
        yield "the job runs on ubuntu-22.04 or ubuntu-24.04 (install-ubuntu.sh knows those)"
    steps = job.get("steps", [])
    names = [s.get("name") for s in steps]
    wanted = ["Check out the submission", "Check out Raft Race Lab",
              "Install the toolkit's packages", "Grade the submission",
              "Report the score to GitHub Classroom"]
    if [n for n in names if n in wanted] != wanted:
        yield f"the steps, in this order: {wanted}; found {names}"
        return
    grade = steps[names.index("Grade the submission")]
    report = steps[names.index("Report the score to GitHub Classroom")]
    run = grade.get("run", "")
    for needed in ("autograders/grade-one.sh", "report.md", "$GITHUB_STEP_SUMMARY",
                   "result=$(base64 -w0", "classroom.json", "$GITHUB_OUTPUT"):
        if needed not in run:
            yield f"the grade step does not say {needed!r}"
    step_id = grade.get("id", "")
    if not report.get("uses", "").startswith("classroom-resources/autograding-grading-reporter@"):
        yield "the last step is classroom-resources/autograding-grading-reporter"
    if report.get("with", {}).get("runners") != step_id:
        yield f"the reporter's runners must name the grade step, {step_id!r}"
    # The reporter reads <RUNNER ID IN CAPITALS>_RESULTS (its src/main.js).
    env_name = step_id.upper() + "_RESULTS"
    if report.get("env", {}).get(env_name) != f"${{{{ steps.{step_id}.outputs.result }}}}":
        yield f"the reporter needs {env_name} set to the grade step's result output"
    for step in steps:
        script = step.get("run")
        if script is None:
            continue
        # An expression pasted into a script can become code; env: cannot.
        if "${{" in script:
            yield f"step {step['name']!r}: pass expressions through env:, not into run:"
        check = subprocess.run(["shellcheck", "-s", "bash", "-"], input=script, text=True,
                               capture_output=True)
        if check.returncode != 0:
            yield f"step {step['name']!r}: shellcheck:\n{check.stdout}"


def zip_file(path, exercise):
    """What Gradescope wants at the root, and the toolkit under rrl/."""
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        for needed in ("setup.sh", "run_autograder", "autograder.env", "rrl/Makefile",
                       "rrl/autograders/grade-one.sh", "rrl/autograders/install-ubuntu.sh",
                       f"rrl/buggy/{exercise}/exercise.json"):
            if needed not in names:
                yield f"{needed} is not in the zip"
        for script in ("setup.sh", "run_autograder"):
            if script in names and not (z.getinfo(script).external_attr >> 16) & 0o100:
                yield f"{script} is not executable in the zip"
        if any(n.startswith(("rrl/build/", "rrl/node_modules/")) for n in names):
            yield "the zip holds build output"
        if "autograder.env" in names and exercise not in z.read("autograder.env").decode():
            yield f"autograder.env does not name {exercise}"


def valid(schema, path):
    """Against the schema tests/checker holds rrl-grade's outputs to."""
    check = subprocess.run([str(SCHEMAS / "validate.py"), schema, path], text=True,
                           capture_output=True)
    if check.returncode != 0:
        yield f"{path} does not fit {schema}:\n{check.stdout}"


def gradescope(path, *scenarios):
    """As tests/checker/test_grade_outputs.c reads it: the schema, the total
    is the tests' sum; and here, one test per scenario asked for."""
    yield from valid("gradescope-results", path)
    doc = json.loads(pathlib.Path(path).read_text())
    tests = doc.get("tests", [])
    if abs(sum(t["score"] for t in tests) - doc["score"]) > 1e-9:
        yield "the score is not the sum of the tests' scores"
    if scenarios:
        found = sorted(t["name"] for t in tests if t["name"].startswith("scenario "))
        if found != sorted("scenario " + s for s in scenarios):
            yield f"the scenario tests are {found}, not {list(scenarios)}"
        if "sandbox" not in doc.get("output", ""):
            yield "the output does not say which sandbox graded it"


def classroom(path):
    """As GitHub Classroom's grading reporter adds it up."""
    yield from valid("classroom-result", path)
    doc = json.loads(pathlib.Path(path).read_text())
    total = sum(t["score"] for t in doc.get("tests", []))
    if not doc.get("tests") or total > doc["max_score"]:
        yield f"the tests give {total} of a max_score of {doc['max_score']}"


CHECKS = {"workflow": workflow, "zip": zip_file, "gradescope": gradescope,
          "classroom": classroom}

if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in CHECKS:
        sys.exit(__doc__.strip())
    problems = list(CHECKS[sys.argv[1]](*sys.argv[2:]))
    for p in problems:
        print(f"{sys.argv[2]}: {p}")
    sys.exit(1 if problems else 0)
