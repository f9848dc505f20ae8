#!/usr/bin/env python3
"""Validates reports/memory-report.json against scripts/memory-report.schema.json.

Usage: python3 scripts/validate_report.py [REPORT] [--schema SCHEMA]
Needs the `jsonschema` package (pip install jsonschema). Exits 1 when the report
does not match, or when its checksums show that the rows stored different records.
"""

import argparse
import json
import pathlib
import sys

import jsonschema

HERE = pathlib.Path(__file__).resolve().parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", nargs="?", default="reports/memory-report.json")
    parser.add_argument("--schema", default=str(HERE / "memory-report.schema.json"))
    args = parser.parse_args()

    schema = json.loads(pathlib.Path(args.schema).read_text())
    report = json.loads(pathlib.Path(args.report).read_text())
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(report), key=lambda error: list(error.path))
    for error in errors:
        location = "/".join(str(part) for part in error.path) or "(root)"
        print(f"{args.report}: {location}: {error.message}", file=sys.stderr)
    if report.get("checksumsAgree") is False:
        print(f"{args.report}: checksums disagree: {report.get('checksumProblems')}", file=sys.stderr)
        errors.append("checksums")
    if errors:
        return 1
    print(f"{args.report}: valid ({len(report['results'])} results, {len(report.get('skipped', []))} skipped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
