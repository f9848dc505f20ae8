#!/usr/bin/env python3
"""Whole-process CSV ingest: `dense-records run` (csv-reader -> arena) against pyarrow.csv.read_csv and
pandas.read_csv, on the same files, in the same run, as medians of interleaved runs.

Files (generated once into --work-dir, --records rows each):
  plain     sensor_id,timestamp,value,unit with integer ns timestamps: `dense-records generate` (the fast path)
  rfc3339   the same rows with RFC 3339 timestamps ("2023-11-14 22:13:20.000000000Z", as pyarrow writes them)
  flexible  the same rows as `unit;value;sensor_id;time_ms;note`: semicolons, reordered and extra columns,
            epoch milliseconds, unit aliases (degC) -- the general path

Every contender is timed as a whole process (start-up and imports included; python runs `-c` one-liners), one
run of each contender per round, rounds repeated --repeat times, so that the load of a shared machine falls on
all of them alike. Each run's row count is checked. With --baseline BINARY (a dense-records built before a
change) the plain file is also read by it: the before/after ratio of the fast path.

Usage (from the repository root):
  scripts/csv_ingest_bench.py [--records 10000000] [--repeat 5] [--scratch-path .build] [--baseline OLD_BINARY]
Prints medians and ratios (peer median / dense-records median: above 1 means dense-records is faster) and
writes them as JSON (--output).
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def derive_files(python, plain, rfc3339, flexible):
    """Writes the rfc3339 and flexible variants of `plain` with pyarrow (streaming, in batches)."""
    code = r'''
import sys, pyarrow as pa, pyarrow.csv as csv, pyarrow.compute as pc
plain, rfc, flexible = sys.argv[1:4]
reader = csv.open_csv(plain, read_options=csv.ReadOptions(block_size=1 << 24),
                      convert_options=csv.ConvertOptions(column_types={"timestamp": pa.int64(), "value": pa.string(),
                                                                        "unit": pa.string()}))
aliases = {"celsius": "degC", "percent": "%", "pascal": "Pa", "watt": "W", "lux": "lx", "meters_per_second": "m/s"}
with open(rfc, "wb") as r, open(flexible, "w") as f:
    r.write(b"sensor_id,timestamp,value,unit\n")
    f.write("unit;value;sensor_id;time_ms;note\n")
    for batch in reader:
        ts = batch.column("timestamp").cast(pa.timestamp("ns", tz="UTC"))
        table = pa.table({"sensor_id": batch.column("sensor_id"), "timestamp": ts, "value": batch.column("value"),
                          "unit": batch.column("unit")})
        sink = pa.BufferOutputStream()
        csv.write_csv(table, sink, write_options=csv.WriteOptions(include_header=False, quoting_style="none"))
        r.write(sink.getvalue().to_pybytes())
        ms = pc.divide(batch.column("timestamp"), 1_000_000).to_pylist()
        ids = batch.column("sensor_id").to_pylist()
        values = batch.column("value").to_pylist()
        units = batch.column("unit").to_pylist()
        f.write("".join(f"{aliases.get(u, u)};{v};{i};{t};n{i % 7}\n" for u, v, i, t in zip(units, values, ids, ms)))
'''
    subprocess.run([python, "-c", code, plain, rfc3339, flexible], check=True)


def spec(path, work_dir, name, parameters):
    spec_path = os.path.join(work_dir, f"{name}.json")
    with open(spec_path, "w") as f:
        json.dump({"source": {"component": "csv-reader", "parameters": dict(path=path, **parameters)},
                   "sinks": [{"component": "arena"}]}, f)
    return spec_path


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--sensors", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work-dir", default=os.path.join(tempfile.gettempdir(), "dense-records-csv-bench"))
    parser.add_argument("--scratch-path", default=".build", help="swift build --scratch-path for the release build")
    parser.add_argument("--binary", default=None, help="a dense-records binary to use instead of building one")
    parser.add_argument("--baseline", default=None, help="an older dense-records binary: before/after on the plain file")
    parser.add_argument("--python", default=None, help="the Python with pyarrow and pandas (default: .build/venv/bin/python)")
    parser.add_argument("--files", default="plain,rfc3339,flexible")
    parser.add_argument("--output", default=None, help="JSON results (default: <scratch-path>/csv-ingest-bench.json)")
    args = parser.parse_args()

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    python = args.python or os.environ.get("DENSE_RECORDS_PYTHON") or os.path.join(root, ".build/venv/bin/python")
    binary = args.binary
    if binary is None:
        subprocess.run(["swift", "build", "-c", "release", "--scratch-path", args.scratch_path,
                        "--product", "dense-records", "-Xswiftc", "-warnings-as-errors"], check=True)
        binary = os.path.join(args.scratch_path, "release", "dense-records")

    os.makedirs(args.work_dir, exist_ok=True)
    stem = os.path.join(args.work_dir, f"readings-{args.records}-{args.sensors}")
    paths = {"plain": stem + ".csv", "rfc3339": stem + "-rfc3339.csv", "flexible": stem + "-flexible.csv"}
    if not os.path.exists(paths["plain"]):
        subprocess.run([binary, "generate", "--records", str(args.records), "--sensors", str(args.sensors),
                        "--output", paths["plain"]], check=True)
    if not (os.path.exists(paths["rfc3339"]) and os.path.exists(paths["flexible"])):
        derive_files(python, paths["plain"], paths["rfc3339"], paths["flexible"])

    files = [name for name in args.files.split(",") if name]
    specs = {
        "plain": spec(paths["plain"], args.work_dir, "plain", {}),
        "rfc3339": spec(paths["rfc3339"], args.work_dir, "rfc3339", {"timestampFormat": "rfc3339"}),
        "flexible": spec(paths["flexible"], args.work_dir, "flexible",
                         {"delimiter": ";", "timestampColumn": "time_ms", "timestampFormat": "ms"}),
    }
    arrow_types = {
        "plain": "{'sensor_id': pa.uint32(), 'timestamp': pa.int64(), 'value': pa.float64(), 'unit': pa.dictionary(pa.int32(), pa.string())}",
        "rfc3339": "{'sensor_id': pa.uint32(), 'timestamp': pa.timestamp('ns', tz='UTC'), 'value': pa.float64(), 'unit': pa.dictionary(pa.int32(), pa.string())}",
        "flexible": "{'sensor_id': pa.uint32(), 'time_ms': pa.int64(), 'value': pa.float64(), 'unit': pa.dictionary(pa.int32(), pa.string())}",
    }
    delimiters = {"plain": ",", "rfc3339": ",", "flexible": ";"}

    def dense(bin_path, name):
        def run():
            result = subprocess.run([bin_path, "run", "--json", "--quiet", specs[name]], check=True, capture_output=True, text=True)
            return json.loads(result.stdout)["summary"]["recordsOut"]
        return run

    def pyarrow_run(name):
        code = ("import sys, pyarrow as pa, pyarrow.csv as c; t = c.read_csv(sys.argv[1], "
                f"parse_options=c.ParseOptions(delimiter={delimiters[name]!r}), "
                f"convert_options=c.ConvertOptions(column_types={arrow_types[name]})); print(t.num_rows)")
        def run():
            result = subprocess.run([python, "-c", code, paths[name]], check=True, capture_output=True, text=True)
            return int(result.stdout)
        return run

    def pandas_run(name):
        dtypes = "{'sensor_id': 'uint32', 'timestamp': 'int64', 'value': 'float64', 'unit': 'category'}"
        code = f"import sys, pandas; f = pandas.read_csv(sys.argv[1], dtype={dtypes}); print(len(f))"
        def run():
            result = subprocess.run([python, "-c", code, paths[name]], check=True, capture_output=True, text=True)
            return int(result.stdout)
        return run

    contenders = []  # (file, contender, callable)
    for name in files:
        contenders.append((name, "dense-records run", dense(binary, name)))
        if name == "plain" and args.baseline:
            contenders.append((name, "dense-records run (baseline)", dense(args.baseline, name)))
        contenders.append((name, "pyarrow.csv.read_csv", pyarrow_run(name)))
        if name == "plain":
            contenders.append((name, "pandas.read_csv (dtypes)", pandas_run(name)))

    # Warm the page cache for every file alike.
    for name in files:
        with open(paths[name], "rb") as f:
            while f.read(1 << 24):
                pass

    times = {(name, who): [] for name, who, _ in contenders}
    for round_index in range(args.repeat):
        for name, who, run in contenders:
            start = time.perf_counter()
            rows = run()
            times[(name, who)].append(time.perf_counter() - start)
            if rows != args.records:
                sys.exit(f"{who} read {rows} rows of {paths[name]}, expected {args.records}")
        print(f"round {round_index + 1}/{args.repeat} done", file=sys.stderr)

    results = {"records": args.records, "sensors": args.sensors, "repeat": args.repeat,
               "machine": {"cpu": cpu_model(), "cpus": os.cpu_count(), "loadavg_at_end": os.getloadavg()},
               "method": "median wall-clock of whole processes, contenders interleaved round by round, page cache warm",
               "files": {}}
    print(f"{args.records:,} rows, {args.repeat} rounds; {cpu_model()}, {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'file':<10}{'contender':<32}{'median s':>10}{'min s':>9}{'MB/s':>9}{'ratio':>9}")
    for name in files:
        size = os.path.getsize(paths[name])
        ours = statistics.median(times[(name, "dense-records run")])
        entry = {"path": paths[name], "bytes": size, "contenders": {}}
        for (file_name, who), values in times.items():
            if file_name != name:
                continue
            median = statistics.median(values)
            ratio = median / ours
            entry["contenders"][who] = {"median_seconds": median, "min_seconds": min(values), "runs": values,
                                        "mb_per_second": size / 1e6 / median, "ratio_to_dense_records": ratio}
            print(f"{name:<10}{who:<32}{median:>10.3f}{min(values):>9.3f}{size / 1e6 / median:>9.1f}{ratio:>9.2f}")
        results["files"][name] = entry
    output = args.output or os.path.join(args.scratch_path, "csv-ingest-bench.json")
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, "w") as f:
        json.dump(results, f, indent=2)
    print(f"ratio = contender median / dense-records median on the same file (above 1: dense-records faster); "
          f"results in {output}")


if __name__ == "__main__":
    main()
