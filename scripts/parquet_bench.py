#!/usr/bin/env python3
"""Parquet export against pyarrow, on the TMY3 weather data and on synthetic data.

    parquet_bench.py --binary .build/release/dense-records [--records 10000000] [--runs 5] [--work DIR]

For each dataset (the TMY3 readings made by scripts/tmy3-long.sh, and `dense-records generate`
with --records rows), the CSV is ingested into a snapshot once, then:

  * file size: `dense-records export SNAPSHOT -o OUT.parquet` (zstd level 3, row groups of
    1,048,576, DELTA_BINARY_PACKED ids and timestamps, RLE_DICTIONARY units) with the value
    column PLAIN and BYTE_STREAM_SPLIT, against pyarrow's `pq.write_table` with the same
    encodings, codec, level, row-group size and data page version 1, from the same records;
    ratio = ours / pyarrow's (target <= 1.1);
  * write throughput: the whole `dense-records export SNAPSHOT --no-verify` process against
    `pq.write_table` of the records already in memory as a pyarrow Table (the Table is read
    once, outside the timing, from an Arrow IPC export of the same snapshot); ratio = pyarrow's
    time / ours (target >= 1.0, i.e. at least as fast). Runs alternate between the two so a
    change of machine load hits both; medians of --runs runs are reported.

Prints one table; --json PATH also writes the figures. Both sides run in the same invocation,
so the ratios compare like with like; absolute figures depend on the machine and its load.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import pyarrow as pa
import pyarrow.parquet as pq

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(command):
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}")
    return result.stdout


def pyarrow_write(table, path, value_encoding):
    pq.write_table(
        table, path, compression="zstd", compression_level=3, row_group_size=1 << 20, data_page_version="1.0",
        use_dictionary=["unit"], write_statistics=True,
        column_encoding={"sensor_id": "DELTA_BINARY_PACKED", "timestamp": "DELTA_BINARY_PACKED", "value": value_encoding})


def ours_export(binary, snapshot, path, value_encoding, verify=True):
    command = [binary, "export", snapshot, "-o", path, "--format", "parquet", "--value-encoding", value_encoding]
    if not verify:
        command.append("--no-verify")
    started = time.perf_counter()
    run(command)
    return time.perf_counter() - started


def check_same_records(ours_path, table):
    """Our file and the in-memory table hold the same rows (values compared bit for bit)."""
    ours = pq.read_table(ours_path)
    if ours.num_rows != table.num_rows:
        sys.exit(f"{ours_path}: {ours.num_rows} rows, expected {table.num_rows}")
    for name in ("sensor_id", "timestamp"):
        if not ours[name].equals(table[name]):
            sys.exit(f"{ours_path}: column {name} differs from the snapshot's records")
    a = ours["value"].combine_chunks().view(pa.uint64())
    b = table["value"].combine_chunks().view(pa.uint64())
    if not a.equals(b):
        sys.exit(f"{ours_path}: value bits differ from the snapshot's records")


def measure(name, binary, csv, work, runs):
    snapshot = os.path.join(work, f"{name}.drsnap")
    run([binary, "ingest", csv, "-o", snapshot])
    arrow = os.path.join(work, f"{name}.arrow")
    run([binary, "export", snapshot, "-o", arrow, "--format", "file"])
    with pa.memory_map(arrow) as source:
        table = pa.ipc.open_file(source).read_all()
    table = table.combine_chunks()  # in memory, one chunk per column, as write_table is fed in practice
    os.remove(arrow)
    rows = table.num_rows
    figures = {"dataset": name, "rows": rows, "runs": runs}

    for encoding, ours_name in (("PLAIN", "plain"), ("BYTE_STREAM_SPLIT", "byte-stream-split")):
        ours_path = os.path.join(work, f"{name}-ours-{ours_name}.parquet")
        theirs_path = os.path.join(work, f"{name}-pyarrow-{ours_name}.parquet")
        ours_export(binary, snapshot, ours_path, ours_name)
        pyarrow_write(table, theirs_path, encoding)
        check_same_records(ours_path, table)
        ours_size, theirs_size = os.path.getsize(ours_path), os.path.getsize(theirs_path)
        figures[f"size_{ours_name}"] = {
            "ours_bytes": ours_size, "pyarrow_bytes": theirs_size,
            "ours_bytes_per_record": ours_size / rows, "pyarrow_bytes_per_record": theirs_size / rows,
            "ratio": ours_size / theirs_size}

    ours_times, theirs_times = [], []
    path = os.path.join(work, f"{name}-timed.parquet")
    for _ in range(runs):
        ours_times.append(ours_export(binary, snapshot, path, "plain", verify=False))
        started = time.perf_counter()
        pyarrow_write(table, path, "PLAIN")
        theirs_times.append(time.perf_counter() - started)
    ours_median, theirs_median = statistics.median(ours_times), statistics.median(theirs_times)
    figures["write"] = {
        "ours_seconds": ours_times, "pyarrow_seconds": theirs_times,
        "ours_median_seconds": ours_median, "pyarrow_median_seconds": theirs_median,
        "ours_records_per_second": rows / ours_median, "pyarrow_records_per_second": rows / theirs_median,
        "speed_ratio": theirs_median / ours_median}
    for leftover in (snapshot, path):
        os.remove(leftover)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=os.path.join(REPOSITORY, ".build/release/dense-records"))
    parser.add_argument("--records", type=int, default=10_000_000, help="synthetic records (default 10,000,000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per side (default 5)")
    parser.add_argument("--work", help="folder for the files (default: a temporary folder, removed)")
    parser.add_argument("--tmy3-csv", help="the TMY3 CSV, if already made (default: scripts/tmy3-long.sh into WORK)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"{args.binary} is not an executable; build it with `swift build -c release --product dense-records`")

    with tempfile.TemporaryDirectory(prefix="parquet-bench-") as temporary:
        work = args.work or temporary
        os.makedirs(work, exist_ok=True)
        tmy3 = args.tmy3_csv
        if tmy3 is None:
            run(["bash", os.path.join(REPOSITORY, "scripts/tmy3-long.sh"), work])
            tmy3 = os.path.join(work, "tmy3-long.csv")
        synthetic = os.path.join(work, "synthetic.csv")
        run([args.binary, "generate", "--records", str(args.records), "--output", synthetic])
        results = [measure("tmy3", args.binary, tmy3, work, args.runs),
                   measure("synthetic", args.binary, synthetic, work, args.runs)]
        os.remove(synthetic)

    print(f"dense-records: {args.binary}; pyarrow {pa.__version__}; medians of {args.runs} alternating runs")
    print(f"{'dataset':<10} {'rows':>10}  {'value enc.':<17} {'ours B/rec':>10} {'pyarrow B/rec':>13} {'size ratio':>10}")
    for figures in results:
        for encoding in ("plain", "byte-stream-split"):
            size = figures[f"size_{encoding}"]
            print(f"{figures['dataset']:<10} {figures['rows']:>10,}  {encoding:<17} {size['ours_bytes_per_record']:>10.3f} "
                  f"{size['pyarrow_bytes_per_record']:>13.3f} {size['ratio']:>9.3f}x")
    print(f"{'dataset':<10} {'rows':>10}  {'ours (whole process)':>22} {'pyarrow write_table':>22} {'speed ratio':>11}")
    for figures in results:
        write = figures["write"]
        print(f"{figures['dataset']:<10} {figures['rows']:>10,}  "
              f"{write['ours_median_seconds'] * 1e3:>9.1f} ms {write['ours_records_per_second'] / 1e6:>6.1f} M/s "
              f"{write['pyarrow_median_seconds'] * 1e3:>9.1f} ms {write['pyarrow_records_per_second'] / 1e6:>6.1f} M/s "
              f"{write['speed_ratio']:>10.2f}x")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"binary": args.binary, "pyarrow": pa.__version__, "results": results}, out, indent=2)


if __name__ == "__main__":
    main()
