#!/usr/bin/env python3
"""CSV ingest benchmark: `dense-records run` (CSV -> RecordArena) against pandas.read_csv, same file, same run.

What it does, from the repository root:
  1. builds `dense-records` in release mode (warnings are errors);
  2. writes a synthetic CSV of --records records with `dense-records generate` (kept between runs);
  3. times `dense-records run --json` of a csv-reader -> arena spec, end to end as a process
     (start-up, file reads, parsing, arena appends, summary) --repeat times;
  4. times pandas.read_csv on the same file --repeat times, in this process, after importing
     pandas (import time excluded), with default inference and with explicit dtypes;
  5. prints medians, MB/s, records/s and the ratio, and writes them as JSON.

pandas is installed with pip if it is missing. Every figure is a median of wall-clock
times on this machine; other processes on a shared machine add noise, so compare
ratios measured in the same run rather than absolute figures across runs.
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


def ensure_pandas():
    try:
        import pandas  # noqa: F401
    except ImportError:
        print("installing pandas with pip", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "pandas"], check=True)
    import pandas
    return pandas


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--sensors", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work-dir", default=os.path.join(tempfile.gettempdir(), "dense-records-csv-benchmark"))
    parser.add_argument("--scratch-path", default=".build", help="swift build --scratch-path")
    parser.add_argument("--output", default=None, help="JSON results path (default: <scratch-path>/csv-ingest-benchmark.json)")
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args()

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.chdir(root)
    if not args.skip_build:
        subprocess.run(["swift", "build", "-c", "release", "--scratch-path", args.scratch_path,
                        "--product", "dense-records", "-Xswiftc", "-warnings-as-errors"], check=True)
    binary = os.path.join(args.scratch_path, "release", "dense-records")

    os.makedirs(args.work_dir, exist_ok=True)
    csv_path = os.path.join(args.work_dir, f"readings-{args.records}-{args.sensors}.csv")
    if not os.path.exists(csv_path):
        subprocess.run([binary, "generate", "--records", str(args.records), "--sensors", str(args.sensors),
                        "--output", csv_path], check=True)
    size = os.path.getsize(csv_path)
    spec_path = os.path.join(args.work_dir, "csv-to-arena.json")
    with open(spec_path, "w") as f:
        json.dump({"source": {"component": "csv-reader", "parameters": {"path": csv_path, "onMalformedLine": "fail"}},
                   "sinks": [{"component": "arena"}]}, f)

    # Warm the page cache for both contenders alike.
    with open(csv_path, "rb") as f:
        while f.read(1 << 24):
            pass

    dense_times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = subprocess.run([binary, "run", "--json", "--quiet", spec_path], check=True, capture_output=True, text=True)
        dense_times.append(time.perf_counter() - start)
        report = json.loads(result.stdout)
        out = report["summary"]["recordsOut"]
        if out != args.records:
            sys.exit(f"dense-records ingested {out} records, expected {args.records}")

    pandas = ensure_pandas()
    dtypes = {"sensor_id": "uint32", "timestamp": "int64", "value": "float64", "unit": "category"}
    pandas_times = {"default": [], "dtypes": []}
    for _ in range(args.repeat):
        for variant in ("default", "dtypes"):
            start = time.perf_counter()
            frame = pandas.read_csv(csv_path) if variant == "default" else pandas.read_csv(csv_path, dtype=dtypes)
            pandas_times[variant].append(time.perf_counter() - start)
            if len(frame) != args.records:
                sys.exit(f"pandas read {len(frame)} rows, expected {args.records}")
            del frame

    def figures(times):
        median = statistics.median(times)
        return {"median_seconds": median, "min_seconds": min(times), "runs": times,
                "mb_per_second": size / 1e6 / median, "records_per_second": args.records / median}

    dense = figures(dense_times)
    pandas_default = figures(pandas_times["default"])
    pandas_typed = figures(pandas_times["dtypes"])
    best_pandas = min(pandas_default["median_seconds"], pandas_typed["median_seconds"])
    results = {
        "records": args.records, "sensors": args.sensors, "file_bytes": size, "repeat": args.repeat,
        "machine": {"cpu": cpu_model(), "cpus": os.cpu_count(), "python": platform.python_version(),
                    "pandas": pandas.__version__},
        "dense_records": dense, "pandas_read_csv_default": pandas_default, "pandas_read_csv_dtypes": pandas_typed,
        "speedup_vs_best_pandas": best_pandas / dense["median_seconds"],
        "method": "median wall-clock of --repeat runs; dense-records timed as a whole process (start-up included), "
                  "pandas timed around read_csv in-process after import; file in page cache for both",
    }
    output = args.output or os.path.join(args.scratch_path, "csv-ingest-benchmark.json")
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    with open(output, "w") as f:
        json.dump(results, f, indent=2)

    print(f"file: {csv_path}  {args.records:,} records  {size / 1e6:.1f} MB   machine: {cpu_model()}, {os.cpu_count()} CPUs")
    print(f"{'contender':<34}{'median s':>10}{'MB/s':>10}{'records/s':>14}")
    for name, fig in [("dense-records run (CSV -> arena)", dense), ("pandas.read_csv (inferred types)", pandas_default),
                      ("pandas.read_csv (explicit dtypes)", pandas_typed)]:
        print(f"{name:<34}{fig['median_seconds']:>10.3f}{fig['mb_per_second']:>10.1f}{fig['records_per_second']:>14,.0f}")
    print(f"dense-records is {results['speedup_vs_best_pandas']:.2f}x as fast as the faster pandas variant "
          f"(pandas {pandas.__version__}); results in {output}")


if __name__ == "__main__":
    main()
