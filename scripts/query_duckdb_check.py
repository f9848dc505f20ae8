#!/usr/bin/env python3
"""Checks `dense-records query --format json` against DuckDB's GROUP BY on the same CSV.

For each dataset (the synthetic generator's output with a few NaN readings added,
and, with --tmy3, the TMY3 weather readings of scripts/tmy3-long.sh) it asks three
questions of both: per sensor, per hour, and filtered (two sensors, a time range,
grouped by sensor and hour). The per-sensor and filtered queries read a snapshot
that `dense-records ingest` made from the CSV; the per-hour query reads the CSV.

Agreement, group by group (the same groups must come out, in the same order):
  count, min, max   exactly;
  sum               within 1e-9 of the sum of |value| (relative, and safe when values cancel);
  mean              within 1e-9 of the mean of |value|;
  p50, p90, p99     within 1% of DuckDB's quantile_disc, relative to its magnitude
                    (the documented DDSketch bound; exact_pN must match exactly).
NaN readings are skipped by dense-records; DuckDB is told to skip them too.

Usage: query_duckdb_check.py --tool PATH/dense-records --workdir DIR [--tmy3 CSV]
Prints one line per check and exits 1 on the first dataset with a mismatch (listing them).
"""
import argparse
import datetime
import json
import math
import os
import subprocess
import sys

import duckdb

HOUR = 3_600_000_000_000
AGGREGATES = ["count", "sum", "mean", "min", "max", "p50", "p90", "p99", "exact_p90"]
SKETCH_ACCURACY = 0.01


def run(arguments):
    """Runs the tool and returns its standard output; raises with its standard error on failure."""
    result = subprocess.run(arguments, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(arguments)} exited {result.returncode}: {result.stderr}")
    return result.stdout


def synthetic_csv(tool, workdir):
    """The generator's output (25 sensors, a reading every 7 s, with gaps) plus NaN readings."""
    path = os.path.join(workdir, "synthetic.csv")
    run([tool, "generate", "--records", "40000", "--sensors", "25", "--interval-ms", "7000",
         "--gap-probability", "0.01", "--seed", "7", "--output", path])
    with open(path, "a") as out:
        # NaN readings in two sensors, inside the generated time range.
        for index in range(40):
            out.write(f"{index % 2 + 3},{1_700_000_000_000_000_000 + index * 9_000_000_000},NaN,celsius\n")
    return path


def tool_query(tool, source, arguments):
    text = run([tool, "query", source, "--format", "json", "--aggregate", ",".join(AGGREGATES)] + arguments)
    return json.loads(text)


def duckdb_query(connection, keys, where):
    bucket = f"timestamp - (((timestamp % {HOUR}) + {HOUR}) % {HOUR})"
    columns = {"sensor_id": "sensor_id", "bucket_start": bucket}
    key_sql = [f"{columns[key]} AS {key}" for key in keys]
    select = key_sql + [
        "count(value) AS count", "sum(value) AS sum", "avg(value) AS mean", "min(value) AS min", "max(value) AS max",
        "quantile_disc(value, 0.5) AS p50", "quantile_disc(value, 0.9) AS p90", "quantile_disc(value, 0.99) AS p99",
        "quantile_disc(value, 0.9) AS exact_p90", "sum(abs(value)) AS abs_sum",
    ]
    conditions = ["NOT isnan(value)"] + where
    group = f" GROUP BY {', '.join(keys)} ORDER BY {', '.join(keys)}" if keys else ""
    sql = f"SELECT {', '.join(select)} FROM readings WHERE {' AND '.join(conditions)}{group}"
    cursor = connection.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def compare(label, ours, theirs, keys):
    """The mismatches between the tool's groups and DuckDB's, as messages."""
    problems = []
    if len(ours) != len(theirs):
        problems.append(f"{label}: {len(ours)} groups, DuckDB {len(theirs)}")
        return problems
    for mine, reference in zip(ours, theirs):
        key = tuple(reference[k] for k in keys)
        where = f"{label} group {key}"
        if tuple(mine.get(k) for k in keys) != key:
            problems.append(f"{where}: the tool's group is {tuple(mine.get(k) for k in keys)}")
            continue
        if set(mine) != set(keys) | set(AGGREGATES):
            problems.append(f"{where}: keys {sorted(mine)}")
        for exact in ["count", "min", "max", "exact_p90"]:
            if mine[exact] != reference[exact]:
                problems.append(f"{where}: {exact} {mine[exact]!r} vs DuckDB {reference[exact]!r}")
        count = reference["count"]
        scale = reference["abs_sum"]
        if abs(mine["sum"] - reference["sum"]) > 1e-9 * scale:
            problems.append(f"{where}: sum {mine['sum']!r} vs DuckDB {reference['sum']!r}")
        if abs(mine["mean"] - reference["mean"]) > 1e-9 * scale / count:
            problems.append(f"{where}: mean {mine['mean']!r} vs DuckDB {reference['mean']!r}")
        for quantile in ["p50", "p90", "p99"]:
            exact = reference[quantile]
            if abs(mine[quantile] - exact) > SKETCH_ACCURACY * abs(exact) * (1 + 1e-9):
                problems.append(f"{where}: {quantile} {mine[quantile]!r} is not within 1% of quantile_disc {exact!r}")
    return problems


def check(tool, workdir, name, csv_path):
    snapshot = os.path.join(workdir, name + ".drsnap")
    run([tool, "ingest", csv_path, "-o", snapshot])
    connection = duckdb.connect()
    connection.execute(
        "CREATE TABLE readings AS SELECT * FROM read_csv(?, header = true, "
        "columns = {'sensor_id': 'UBIGINT', 'timestamp': 'BIGINT', 'value': 'DOUBLE', 'unit': 'VARCHAR'})",
        [csv_path])
    sensors = [row[0] for row in connection.execute(
        "SELECT DISTINCT sensor_id FROM readings ORDER BY sensor_id").fetchall()]
    low, high = connection.execute("SELECT min(timestamp), max(timestamp) FROM readings").fetchone()
    # The filtered query: the second and the last sensor, from a quarter of the way
    # in (as RFC 3339, whole seconds) to three quarters (as nanoseconds), half-open.
    chosen = [sensors[1 % len(sensors)], sensors[-1]]
    start = (low + (high - low) // 4) // 1_000_000_000 * 1_000_000_000
    stop = low + (high - low) * 3 // 4
    start_text = datetime.datetime.fromtimestamp(start // 1_000_000_000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    questions = [
        ("per sensor", snapshot, ["--group-by", "sensor"], ["sensor_id"], []),
        ("per hour", csv_path, ["--group-by", "1h"], ["bucket_start"], []),
        ("filtered", snapshot,
         ["--sensor", str(chosen[0]), "--sensor", str(chosen[1]), "--from", start_text, "--to", str(stop),
          "--group-by", "sensor,1h"],
         ["sensor_id", "bucket_start"],
         [f"sensor_id IN ({chosen[0]}, {chosen[1]})", f"timestamp >= {start}", f"timestamp < {stop}"]),
    ]
    problems = []
    for label, source, arguments, keys, where in questions:
        ours = tool_query(tool, source, arguments)
        theirs = duckdb_query(connection, keys, where)
        found = compare(f"{name} {label}", ours, theirs, keys)
        status = "ok" if not found else f"{len(found)} mismatches"
        print(f"{name} {label}: {len(ours)} groups, {sum(g['count'] for g in theirs)} values: {status}")
        problems += found
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tool", required=True, help="the dense-records binary")
    parser.add_argument("--workdir", required=True, help="a folder for the CSV and snapshot files")
    parser.add_argument("--tmy3", help="scripts/tmy3-long.sh's output, tmy3-long.csv")
    options = parser.parse_args()
    datasets = [("synthetic", synthetic_csv(options.tool, options.workdir))]
    if options.tmy3:
        datasets.append(("tmy3", options.tmy3))
    problems = []
    for name, path in datasets:
        problems += check(options.tool, options.workdir, name, path)
    for problem in problems[:50]:
        print(problem, file=sys.stderr)
    if len(problems) > 50:
        print(f"... and {len(problems) - 50} more", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
