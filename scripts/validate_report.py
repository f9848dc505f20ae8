#!/usr/bin/env python3
"""Validates reports/memory-report.json against scripts/memory-report.schema.json.

Usage: python3 scripts/validate_report.py [REPORT] [--schema SCHEMA]
Needs the `jsonschema` package (pip install jsonschema). Exits 1 when the report
does not match, when its checksums show that the rows stored different records, or
when an in-memory row's measured bytes fall short of the column bytes the store
itself reports, or when memory-report.csv beside it does not list the same rows (representation,
dataset, kind, records) as the JSON.
"""

import argparse
import csv
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
    errors += check_csv(pathlib.Path(args.report).with_suffix(".csv"), report)
    errors += check_column_split(report)
    if errors:
        return 1
    kinds = {}
    for result in report["results"]:
        kinds[result.get("kind")] = kinds.get(result.get("kind"), 0) + 1
    summary = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items(), key=lambda item: str(item[0])))
    print(f"{args.report}: valid ({len(report['results'])} results: {summary}; {len(report.get('skipped', []))} skipped)")
    return 0


def check_csv(path, report):
    """The CSV must hold one line per JSON result, with the same representation, dataset, kind and records."""
    if not path.exists():
        return []  # a report from before the CSV existed; the schema check still applies
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))

    def key(row):
        return (row.get("representation"), row.get("dataset"), row.get("kind"), str(row.get("records")))

    expected = sorted(key(result) for result in report["results"])
    found = sorted(key(row) for row in rows)
    if expected != found:
        print(f"{path}: rows differ from the JSON results: {sorted(set(expected) ^ set(found))}", file=sys.stderr)
        return ["csv"]
    return []


def check_column_split(report):
    """An in-memory row must have measured at least the encoded columns its store reports.

    The split (without `other`, which includes slack) is what the store says it holds; an
    allocated figure below it means the measurement missed memory, as it once missed a
    store's own mapped pages."""
    problems = []
    for result in report["results"]:
        split = result.get("columnBytesPerRecord")
        measured = result.get("bytesPerRecord")
        if result.get("kind") != "in-memory" or not split or measured is None:
            continue
        columns = sum(value for name, value in split.items() if name != "other")
        if measured < 0.99 * columns:
            problems.append(f"{result['representation']} {result.get('dataset')} {result['records']}")
            print(f"{result['representation']} on {result.get('dataset')} at {result['records']} records: "
                  f"{measured} B/record measured, less than the {columns:.4f} its own column split reports",
                  file=sys.stderr)
    return problems


if __name__ == "__main__":
    sys.exit(main())
