#!/usr/bin/env python3
"""Measures one Python case of the memory comparison report and prints one JSON line.

memory-report runs this script once per (representation, records, repetition), each
in a fresh interpreter.

The python-dict, python-class and python-slots rows fill a list with the same
deterministic records the Swift rows store (see Sources/MemoryReport/RecordSource.swift),
time ingest, a scan and random reads, read the resident size and its high-water mark
from /proc, and then build the same list a second time under tracemalloc to count the
allocated bytes (tracing slows allocation, so nothing timed runs under it). They need
the standard library only.

The dataset rows (numpy-structured, pandas-typed, polars-dataframe, pyarrow-table in
memory; parquet-zstd and arrow-ipc-zstd on disk) read a dataset file of packed 21-byte
records that memory-report wrote (--dataset-file) and build what a Python user would
pick today from it. They import numpy, and pandas, Polars or pyarrow as the row needs
(see memory_dataset_cases.py beside this script).

Linux only (/proc/self/statm, /proc/self/clear_refs).
"""

import argparse
import array
import gc
import json
import os
import sys
import time
import tracemalloc

SENSOR_COUNT = 1000
FIRST_TIMESTAMP = 1_700_000_000_000_000_000
TIMESTAMP_STEP = 1_000_000
UNIT_CODE_COUNT = 8
INDEX_SEED = 0x9E3779B97F4A7C15
MASK64 = (1 << 64) - 1
UNIT_NAMES = ("unknown", "celsius", "percent", "pascal", "volt", "ampere", "lux", "ppm", "count")
# The rows measured by memory_dataset_cases.py on a dataset file.
DATASET_REPRESENTATIONS = [
    "numpy-structured", "pandas-typed", "polars-dataframe", "pyarrow-table", "parquet-zstd", "arrow-ipc-zstd",
]


class RecordClass:
    """A plain class: its instances keep their attributes in a per-instance dict (or inline values)."""

    def __init__(self, sensor_id, timestamp_ns, value, unit):
        self.sensor_id = sensor_id
        self.timestamp_ns = timestamp_ns
        self.value = value
        self.unit = unit


class RecordSlots:
    """The same class with __slots__: no per-instance dict."""

    __slots__ = ("sensor_id", "timestamp_ns", "value", "unit")

    def __init__(self, sensor_id, timestamp_ns, value, unit):
        self.sensor_id = sensor_id
        self.timestamp_ns = timestamp_ns
        self.value = value
        self.unit = unit


def columns(count):
    """The records as packed columns, with exactly the arithmetic of RecordSource.record(at:)."""
    indices = range(count)
    sensor = array.array("I", [index % SENSOR_COUNT for index in indices])
    timestamp = array.array("q", [FIRST_TIMESTAMP + index * TIMESTAMP_STEP for index in indices])
    value = array.array("d", [
        20.0 + (index // 1000) * 0.001 + (((index * 2_654_435_761) & 0xFFFFFFFF) % 1000) * 0.001 for index in indices
    ])
    unit = array.array("B", [1 + s % UNIT_CODE_COUNT for s in sensor])
    return sensor, timestamp, value, unit


def random_indices(count, record_count):
    """The index sequence of RecordSource.randomIndices(count:recordCount:)."""
    state = INDEX_SEED
    result = [0] * count
    for position in range(count):
        state = (state * 6_364_136_223_846_793_005 + 1_442_695_040_888_963_407) & MASK64
        result[position] = (state >> 33) % record_count
    return result


def build(representation, source):
    """Fills a list from the columns; reading an array element creates a fresh int or float object."""
    sensor, timestamp, value, unit = source
    names = UNIT_NAMES
    out = []
    append = out.append
    if representation == "python-dict":
        for i in range(len(value)):
            append({"sensor_id": sensor[i], "timestamp_ns": timestamp[i], "value": value[i], "unit": names[unit[i]]})
    elif representation == "python-class":
        for i in range(len(value)):
            append(RecordClass(sensor[i], timestamp[i], value[i], names[unit[i]]))
    else:
        for i in range(len(value)):
            append(RecordSlots(sensor[i], timestamp[i], value[i], names[unit[i]]))
    return out


def scan(representation, records):
    total = 0.0
    if representation == "python-dict":
        for record in records:
            total += record["value"]
    else:
        for record in records:
            total += record.value
    return total


def random_read(representation, records, indices):
    total = 0.0
    if representation == "python-dict":
        for index in indices:
            total += records[index]["value"]
    else:
        for index in indices:
            total += records[index].value
    return total


def resident_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_resident_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return None


def reset_peak_resident():
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


def scan_passes(records):
    """The same rule as CaseRunner.scanPasses(records:)."""
    return max(1, min(100, 1_000_000 // max(records, 1)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--representation", required=True, choices=["python-dict", "python-class", "python-slots"]
                        + DATASET_REPRESENTATIONS)
    parser.add_argument("--records", type=int, required=True)
    parser.add_argument("--random-reads", type=int, default=1_000_000)
    parser.add_argument("--dataset-file", help="packed 21-byte records, for the dataset rows")
    parser.add_argument("--dataset", default="report", help="the dataset's id, echoed in the output")
    parser.add_argument("--scratch", help="directory for the on-disk rows' files (default: a temporary directory)")
    args = parser.parse_args()
    if args.records < 1 or args.random_reads < 1:
        parser.error("--records and --random-reads must be positive")
    if args.representation in DATASET_REPRESENTATIONS:
        if not args.dataset_file:
            parser.error(f"{args.representation} needs --dataset-file")
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import memory_dataset_cases
        print(json.dumps(memory_dataset_cases.measure(args), sort_keys=True))
        sys.stdout.flush()
        os._exit(0)
    representation, count = args.representation, args.records

    source = columns(count)
    indices = random_indices(args.random_reads, count)
    passes = scan_passes(count)
    gc.collect()

    resident_before = resident_bytes()
    peak_was_reset = reset_peak_resident()
    start = time.perf_counter_ns()
    records = build(representation, source)
    ingest = time.perf_counter_ns() - start
    peak = peak_resident_bytes() if peak_was_reset else None
    resident_after = resident_bytes()

    start = time.perf_counter_ns()
    checksum = 0.0
    for pass_index in range(passes):
        total = scan(representation, records)
        if pass_index == 0:
            checksum = total
    scan_ns = time.perf_counter_ns() - start

    start = time.perf_counter_ns()
    random_checksum = random_read(representation, records, indices)
    random_ns = time.perf_counter_ns() - start

    start = time.perf_counter_ns()
    del records
    release_ns = time.perf_counter_ns() - start
    resident_after_release = resident_bytes() - resident_before

    gc.collect()
    tracemalloc.start()
    traced_before, _ = tracemalloc.get_traced_memory()
    records = build(representation, source)
    traced_after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(json.dumps({
        "representation": representation,
        "records": count,
        "allocatorSource": "tracemalloc",
        "allocatedBytes": traced_after - traced_before,
        "residentBytes": resident_after - resident_before,
        "peakResidentBytes": None if peak is None else peak - resident_before,
        "ingestNanoseconds": float(ingest),
        "scanNanoseconds": float(scan_ns),
        "scanPasses": passes,
        "randomReads": len(indices),
        "randomReadNanoseconds": float(random_ns),
        "releaseNanoseconds": float(release_ns),
        "residentAfterReleaseBytes": resident_after_release,
        "scanChecksum": checksum,
        "randomReadChecksum": random_checksum,
        "runtime": "python " + sys.version.split()[0],
    }, sort_keys=True))
    sys.stdout.flush()
    os._exit(0)  # skip tearing down millions of objects


if __name__ == "__main__":
    main()
