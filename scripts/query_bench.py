#!/usr/bin/env python3
"""Query benchmark: DenseRecords' query engine against a full scan, against
today's sumOfValues() scan, and against Polars and DuckDB, in one run.

Builds 10,000,000 synthetic readings from 1,000 sensors (time-ordered, one
reading per sensor every 3,154 s, so each sensor spans about a year) into a
snapshot with `dense-records run` (synthetic source, snapshot-writer sink),
exports it to Arrow, and loads the Arrow table into memory for Polars and DuckDB.

DenseRecords figures come from `dense-records query --repeat N`: N timed runs
in one process over the memory-mapped snapshot (warm page cache, one warm-up
run first), with the median printed beside the median of a `sumOfValues()`
scan of the same store in the same process. Polars and DuckDB are timed N
times in this process on the in-memory Arrow table. Every figure is a median;
ratios are between figures of this run.

  1. A time range selecting 1% of the records (count, sum) vs the same
     aggregates over the whole store (the full scan).
  2. Per-sensor count, mean, min, max vs Polars group_by().agg() and DuckDB
     GROUP BY on the Arrow table.
  3. Full-store count and sum vs sumOfValues().
  4. One sensor's month through the sorted form (`--sorted`: the records
     sealed by sensor, then time, with the per-sensor index).

Usage: query_bench.py --tool .build-release/release/dense-records [--records N] [--runs N] [--workdir DIR]
(without --workdir, the files go in a temporary folder removed at the end)
Use a release build: a debug build's figures say nothing.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import duckdb
import polars as pl
import pyarrow as pa
import pyarrow.ipc

INTERVAL_MS = 3_154_000
START = 1_700_000_000_000_000_000
TIMING = re.compile(r"timing: query median (\d+) ns, sumOfValues median (\d+) ns, (\d+) runs, (\d+) blocks read, "
                    r"(\d+) summarized, (\d+) skipped")


def run(arguments):
    result = subprocess.run(arguments, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(arguments)} exited {result.returncode}: {result.stderr}")
    return result


def build_data(tool, workdir, records):
    snapshot = os.path.join(workdir, "bench.drsnap")
    arrow = os.path.join(workdir, "bench.arrow")
    spec = os.path.join(workdir, "bench.json")
    with open(spec, "w") as out:
        json.dump({
            "source": {"component": "synthetic", "parameters": {
                "records": records, "sensors": 1000, "intervalMs": INTERVAL_MS, "startNanoseconds": START,
                "gapProbability": 0}},
            "sinks": [{"component": "snapshot-writer", "parameters": {"path": snapshot}}],
        }, out)
    run([tool, "run", spec])
    run([tool, "export", snapshot, "-o", arrow])
    return snapshot, arrow


def tool_timing(tool, snapshot, runs, arguments):
    """The medians `--repeat` prints (ns), and the JSON answer."""
    result = run([tool, "query", snapshot, "--format", "json", "--repeat", str(runs)] + arguments)
    match = TIMING.search(result.stderr)
    if not match:
        sys.exit(f"no timing line in: {result.stderr}")
    query_ns, sum_ns, _, read, summarized, skipped = (int(group) for group in match.groups())
    return {"query_ns": query_ns, "sum_of_values_ns": sum_ns, "blocks_read": read, "blocks_summarized": summarized,
            "blocks_skipped": skipped, "answer": json.loads(result.stdout)}


def median_ns(function, runs):
    function()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        function()
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tool", required=True)
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--workdir")
    options = parser.parse_args()
    if options.workdir:
        measure(options, options.workdir)
    else:
        # The snapshot and the Arrow file (about 420 MB at 10M records) go when the run ends.
        with tempfile.TemporaryDirectory(prefix="dense-records-query-bench-") as workdir:
            measure(options, workdir)


def measure(options, workdir):
    snapshot, arrow = build_data(options.tool, workdir, options.records)
    table = pa.ipc.open_file(arrow).read_all()
    table = table.set_column(1, "timestamp", table.column("timestamp").cast(pa.int64()))
    frame = pl.from_arrow(table)
    connection = duckdb.connect()
    connection.register("readings", table)
    low, high = connection.execute("SELECT min(timestamp), max(timestamp) FROM readings").fetchone()
    runs = options.runs
    figures = {}

    # 1. 1% time range vs full scan (same aggregates, same store).
    span = high - low + 1
    range_from = low + span // 2
    range_to = range_from + span // 100
    full = tool_timing(options.tool, snapshot, runs, ["--aggregate", "count,sum"])
    ranged = tool_timing(options.tool, snapshot, runs,
                         ["--aggregate", "count,sum", "--from", str(range_from), "--to", str(range_to)])
    selected = ranged["answer"][0]["count"] / full["answer"][0]["count"]
    figures["time range (1%) vs full scan"] = {
        "selected fraction": round(selected, 4), "range ms": ranged["query_ns"] / 1e6, "full scan ms": full["query_ns"] / 1e6,
        "speed-up": full["query_ns"] / ranged["query_ns"], "blocks read": ranged["blocks_read"],
        "blocks skipped": ranged["blocks_skipped"]}

    # 2. Per-sensor count, mean, min, max.
    grouped = tool_timing(options.tool, snapshot, runs, ["--group-by", "sensor", "--aggregate", "count,mean,min,max"])
    polars_ns = median_ns(lambda: frame.group_by("sensor_id").agg(
        pl.len().alias("count"), pl.col("value").mean().alias("mean"), pl.col("value").min().alias("min"),
        pl.col("value").max().alias("max")), runs)
    duckdb_ns = median_ns(lambda: connection.execute(
        "SELECT sensor_id, count(value), avg(value), min(value), max(value) FROM readings GROUP BY sensor_id").fetchall(), runs)
    figures["per-sensor count/mean/min/max, 1,000 sensors"] = {
        "DenseRecords ms": grouped["query_ns"] / 1e6, "Polars ms": polars_ns / 1e6, "DuckDB ms": duckdb_ns / 1e6,
        "Polars / DenseRecords": polars_ns / grouped["query_ns"], "DuckDB / DenseRecords": duckdb_ns / grouped["query_ns"],
        "groups": len(grouped["answer"])}

    # 3. Full-store count and sum vs sumOfValues(), measured in the same process.
    figures["full-store count+sum vs sumOfValues()"] = {
        "query ms": full["query_ns"] / 1e6, "sumOfValues ms": full["sum_of_values_ns"] / 1e6,
        "query / sumOfValues": full["query_ns"] / full["sum_of_values_ns"]}

    # 4. One sensor's month through the sorted form.
    month_from = low + span // 3
    month_to = month_from + 30 * 86_400 * 1_000_000_000
    month = tool_timing(options.tool, snapshot, runs, [
        "--sorted", "--sensor", "500", "--from", str(month_from), "--to", str(month_to), "--aggregate", "count,mean,max"])
    month_scan = tool_timing(options.tool, snapshot, runs, [
        "--sensor", "500", "--from", str(month_from), "--to", str(month_to), "--aggregate", "count,mean,max"])
    figures["one sensor's month"] = {
        "records": month["answer"][0]["count"] if month["answer"] else 0,
        "sorted form us": month["query_ns"] / 1e3, "snapshot (zone maps only) us": month_scan["query_ns"] / 1e3,
        "ratio": month_scan["query_ns"] / month["query_ns"]}

    print(json.dumps({"records": options.records, "runs": runs, "figures": figures}, indent=2))


if __name__ == "__main__":
    main()
