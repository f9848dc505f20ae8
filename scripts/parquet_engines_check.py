#!/usr/bin/env python3
"""Reads Parquet written by DenseRecords back with the engines themselves, and checks it
against what the Swift side computed.

    parquet_engines_check.py engines MANIFEST.json   pyarrow, Polars, DuckDB and Spark
    parquet_engines_check.py roundtrip FILE.parquet RECORDS.bin UNIT_ENCODING VALUE_ENCODING CODEC
                                                     pyarrow, bit for bit, plus statistics
        (RECORDS.bin: the packed 21-byte records; UNIT_ENCODING dictionary|code;
         VALUE_ENCODING PLAIN|BYTE_STREAM_SPLIT; CODEC ZSTD|UNCOMPRESSED)
    parquet_engines_check.py roundtrips CASES.json    the same for many files in one process:
        [{"file", "records", "unit_encoding", "value_encoding", "compression", "row_groups"}]
        (row_groups, optional: the number of row groups the footer must list)

MANIFEST.json (written by Tests/DenseRecordsParquetTests/ParquetEnginesTests.swift):
    {"spark": true, "datasets": [{"name", "file", "folder" (optional, partitioned by day),
      "value_encoding", "compression", "expected": {"rows", "value_sum",
      "per_sensor": {"id": [count, mean, max]}, "days": {"YYYY-MM-DD": rows}}}]}

Counts must match exactly; sums and means to 1e-9 relative; maxima exactly.
Spark reads TIMESTAMP(NANOS) only with spark.sql.legacy.parquet.nanosAsLong=true (as a
long); without it, it refuses the file (PARQUET_TYPE_ILLEGAL), which this script also checks.
Exit status 0 when every check passes, 1 otherwise (each failure printed).
"""
import datetime
import json
import math
import sys
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

FAILURES = []
UNIT_NAMES = ["unknown", "celsius", "percent", "pascal", "volt", "ampere", "lux", "ppm", "count",
              "watt", "hertz", "meters_per_second"]


def unit_name(code):
    return UNIT_NAMES[code] if code < len(UNIT_NAMES) else f"code-{code}"


def check(condition, message):
    if not condition:
        FAILURES.append(message)
        print("FAIL", message, flush=True)
    return condition


def close(a, b, rel=1e-9):
    if a == b:
        return True
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)


def compare_summary(engine, name, rows, value_sum, per_sensor, expected):
    """per_sensor: {int id: (count, mean, max)}."""
    check(rows == expected["rows"], f"{engine} {name}: {rows} rows, expected {expected['rows']}")
    check(close(value_sum, expected["value_sum"]), f"{engine} {name}: sum {value_sum!r}, expected {expected['value_sum']!r}")
    want = {int(k): v for k, v in expected["per_sensor"].items()}
    check(set(per_sensor) == set(want), f"{engine} {name}: sensors differ ({len(per_sensor)} vs {len(want)})")
    bad = 0
    for sensor, (count, mean, maximum) in want.items():
        got = per_sensor.get(sensor)
        if got is None or got[0] != count or not close(got[1], mean) or got[2] != maximum:
            bad += 1
            if bad <= 3:
                check(False, f"{engine} {name}: sensor {sensor} got {got}, expected {(count, mean, maximum)}")
    if bad == 0:
        print(f"ok {engine} {name}: {rows} rows, sum {value_sum:.6f}, {len(per_sensor)} sensors", flush=True)


# MARK: pyarrow

def pyarrow_checks(dataset):
    name, path, expected = dataset["name"], dataset["file"], dataset["expected"]
    table = pq.read_table(path)
    grouped = table.group_by("sensor_id").aggregate([("value", "count"), ("value", "mean"), ("value", "max")])
    per_sensor = {int(s): (int(c), float(m), float(x)) for s, c, m, x in zip(
        grouped["sensor_id"].to_pylist(), grouped["value_count"].to_pylist(),
        grouped["value_mean"].to_pylist(), grouped["value_max"].to_pylist())}
    value_sum = pc.sum(table["value"]).as_py() if table.num_rows else 0.0
    compare_summary("pyarrow", name, table.num_rows, value_sum, per_sensor, expected)
    metadata_checks("pyarrow", name, path, dataset.get("value_encoding", "PLAIN"), dataset.get("compression", "ZSTD"),
                    dataset.get("unit_encoding", "dictionary"))
    if "folder" in dataset:
        part = pq.read_table(dataset["folder"], partitioning="hive")
        check(part.num_rows == expected["rows"], f"pyarrow {name} dataset: {part.num_rows} rows")
        days = pc.value_counts(part["date"].cast(pa.string())).to_pylist()
        got = {str(d["values"]): d["counts"] for d in days}
        check(got == expected["days"], f"pyarrow {name} dataset: rows per date partition differ")


def metadata_checks(engine, name, path, value_encoding, compression, unit_encoding):
    """Schema, encodings, codec and statistics of every column chunk, against the data itself."""
    file = pq.ParquetFile(path)
    md = file.metadata
    schema = file.schema_arrow
    want_types = {"sensor_id": pa.uint32(), "timestamp": pa.timestamp("ns", tz="UTC"), "value": pa.float64(),
                  "unit": pa.string() if unit_encoding == "dictionary" else pa.uint8()}
    for field in schema:
        check(field.type == want_types[field.name], f"{engine} {name}: {field.name} is {field.type}")
        check(not field.nullable, f"{engine} {name}: {field.name} is nullable")
    check(md.format_version in ("2.6", "2.4", "2.0"), f"{engine} {name}: format version {md.format_version}")
    want_encoding = {"sensor_id": "DELTA_BINARY_PACKED", "timestamp": "DELTA_BINARY_PACKED",
                     "value": value_encoding, "unit": "RLE_DICTIONARY"}
    chunks = 0
    for group in range(md.num_row_groups):
        data = file.read_row_group(group)
        for index in range(md.num_columns):
            column = md.row_group(group).column(index)
            field = column.path_in_schema
            chunks += 1
            check(want_encoding[field] in column.encodings, f"{engine} {name}: rg {group} {field} encodings {column.encodings}")
            check(column.compression == compression, f"{engine} {name}: rg {group} {field} codec {column.compression}")
            stats = column.statistics
            check(stats is not None and stats.null_count == 0, f"{engine} {name}: rg {group} {field} null_count")
            values = data[field]
            if field == "value":
                numbers = np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)
                finite = numbers[~np.isnan(numbers)]
                if finite.size == 0:
                    check(not stats.has_min_max, f"{engine} {name}: rg {group} value bounds from NaN only")
                    continue
                low, high = finite.min(), finite.max()
                if low == 0:
                    low = -0.0
                if high == 0:
                    high = 0.0
                check(stats.has_min_max and np.float64(stats.min).tobytes() == np.float64(low).tobytes()
                      and np.float64(stats.max).tobytes() == np.float64(high).tobytes(),
                      f"{engine} {name}: rg {group} value bounds {stats.min!r}..{stats.max!r}, data {low!r}..{high!r}")
            elif field == "timestamp":
                # As integers: extreme nanosecond timestamps do not fit Python's datetime.
                integers = values.cast(pa.int64())
                low, high = pc.min(integers).as_py(), pc.max(integers).as_py()
                check(stats.has_min_max and stats.min_raw == low and stats.max_raw == high,
                      f"{engine} {name}: rg {group} timestamp bounds {stats.min_raw!r}..{stats.max_raw!r}, data {low!r}..{high!r}")
            else:
                low, high = pc.min(values).as_py(), pc.max(values).as_py()
                check(stats.has_min_max and stats.min == low and stats.max == high,
                      f"{engine} {name}: rg {group} {field} bounds {stats.min!r}..{stats.max!r}, data {low!r}..{high!r}")
            if field == "unit":
                distinct = len(pc.unique(values))
                check(stats.distinct_count == distinct, f"{engine} {name}: rg {group} unit distinct_count {stats.distinct_count} vs {distinct}")
    print(f"ok {engine} {name}: metadata of {md.num_row_groups} row groups, {chunks} column chunks "
          f"(encodings, codec, min/max, null_count, distinct_count)", flush=True)


# MARK: Polars

def polars_checks(dataset):
    import polars as pl
    name, path, expected = dataset["name"], dataset["file"], dataset["expected"]
    frame = pl.read_parquet(path)
    grouped = frame.group_by("sensor_id").agg(pl.len().alias("n"), pl.col("value").mean().alias("m"), pl.col("value").max().alias("x"))
    per_sensor = {int(r[0]): (int(r[1]), float(r[2]), float(r[3])) for r in grouped.iter_rows()}
    compare_summary("polars.read_parquet", name, frame.height, float(frame["value"].sum()) if frame.height else 0.0, per_sensor, expected)
    # A predicate pushed into the scan: it uses the row-group statistics to skip.
    if expected["per_sensor"]:
        sensor, (count, mean, maximum) = sorted(((int(k), v) for k, v in expected["per_sensor"].items()))[-1]
        lazy = pl.scan_parquet(path).filter(pl.col("sensor_id") == sensor).select(pl.len(), pl.col("value").max())
        plan = lazy.explain()
        got = lazy.collect().row(0)
        check(got[0] == count and got[1] == maximum, f"polars.scan_parquet {name}: sensor {sensor} gave {got}, expected {(count, maximum)}")
        check("sensor_id" in plan, f"polars.scan_parquet {name}: the predicate is not in the plan:\n{plan}")
        print(f"ok polars.scan_parquet {name}: sensor_id == {sensor} -> {got[0]} rows, pushed into the scan", flush=True)
    if "folder" in dataset and expected["days"]:
        day, rows = sorted(expected["days"].items())[0]
        lazy = pl.scan_parquet(dataset["folder"] + "/**/*.parquet", hive_partitioning=True)
        got = lazy.filter(pl.col("date").cast(pl.String) == day).select(pl.len()).collect().item()
        total = lazy.select(pl.len()).collect().item()
        check(got == rows and total == expected["rows"], f"polars hive {name}: date={day} gave {got} of {total}")
        print(f"ok polars.scan_parquet {name} dataset: {total} rows, date={day} -> {got}", flush=True)


# MARK: DuckDB

def duckdb_checks(dataset):
    import duckdb
    name, path, expected = dataset["name"], dataset["file"], dataset["expected"]
    con = duckdb.connect()
    rows, value_sum = con.execute("SELECT count(*), coalesce(sum(value), 0) FROM read_parquet(?)", [path]).fetchone()
    per_sensor = {int(s): (int(c), float(m), float(x)) for s, c, m, x in con.execute(
        "SELECT sensor_id, count(*), avg(value), max(value) FROM read_parquet(?) GROUP BY sensor_id", [path]).fetchall()}
    compare_summary("duckdb.read_parquet", name, rows, float(value_sum), per_sensor, expected)
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))", [path]).fetchall())
    check(types.get("sensor_id") == "UINTEGER", f"duckdb {name}: sensor_id is {types.get('sensor_id')}")
    check(types.get("value") == "DOUBLE", f"duckdb {name}: value is {types.get('value')}")
    if "folder" in dataset:
        glob = dataset["folder"] + "/*/*.parquet"
        rows, value_sum = con.execute(
            "SELECT count(*), coalesce(sum(value), 0) FROM read_parquet(?, hive_partitioning = true)", [glob]).fetchone()
        check(rows == expected["rows"] and close(float(value_sum), expected["value_sum"]),
              f"duckdb hive {name}: {rows} rows, sum {value_sum}")
        got = {str(d): n for d, n in con.execute(
            "SELECT date, count(*) FROM read_parquet(?, hive_partitioning = true) GROUP BY date", [glob]).fetchall()}
        check(got == expected["days"], f"duckdb hive {name}: rows per date differ")
        print(f"ok duckdb.read_parquet {name} dataset (hive_partitioning): {rows} rows in {len(got)} dates", flush=True)


# MARK: Spark

def spark_session():
    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").appName("dense-records-parquet-check")
             .config("spark.sql.shuffle.partitions", "2")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.sources.parallelPartitionDiscovery.threshold", "100000")
             .config("spark.driver.memory", "1g")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_checks(spark, dataset):
    from pyspark.sql import functions as F
    name, path, expected = dataset["name"], dataset["file"], dataset["expected"]
    # Spark's TimestampType is microseconds: TIMESTAMP(NANOS) is refused unless read as a long.
    spark.conf.set("spark.sql.legacy.parquet.nanosAsLong", "false")
    spark.sparkContext.setLogLevel("OFF")  # the refusal below would log a failed task's stack trace
    try:
        spark.read.parquet(path).schema
        check(False, f"spark {name}: TIMESTAMP(NANOS) was accepted without nanosAsLong; update the docs")
    except Exception as error:  # AnalysisException: PARQUET_TYPE_ILLEGAL
        check("NANOS" in str(error), f"spark {name}: unexpected error {str(error)[:300]}")
    spark.sparkContext.setLogLevel("ERROR")
    spark.conf.set("spark.sql.legacy.parquet.nanosAsLong", "true")

    def summarize(frame, label):
        total = frame.agg(F.count(F.lit(1)).alias("n"), F.sum("value").alias("s")).collect()[0]
        rows = frame.groupBy("sensor_id").agg(F.count(F.lit(1)).alias("n"), F.avg("value").alias("m"), F.max("value").alias("x")).collect()
        per_sensor = {int(r["sensor_id"]): (int(r["n"]), float(r["m"]), float(r["x"])) for r in rows}
        compare_summary(label, name, int(total["n"]), float(total["s"] or 0.0), per_sensor, expected)

    frame = spark.read.parquet(path)
    types = {f.name: f.dataType.simpleString() for f in frame.schema.fields}
    check(types == {"sensor_id": "bigint", "timestamp": "bigint", "value": "double", "unit": "string"},
          f"spark {name}: schema {types}")
    summarize(frame, "spark.read.parquet")
    if "folder" in dataset and expected["days"]:
        folder = spark.read.parquet(dataset["folder"])
        summarize(folder, "spark.read.parquet(dataset)")
        day, rows = sorted(expected["days"].items())[0]
        filtered = folder.filter(F.col("date") == F.lit(datetime.date.fromisoformat(day)))
        plan = filtered._jdf.queryExecution().executedPlan().toString()
        got = filtered.count()
        check(got == rows, f"spark {name}: date = {day} gave {got} rows, expected {rows}")
        pruned = "PartitionFilters: [" in plan and "date" in plan.split("PartitionFilters: [", 1)[1].split("]", 1)[0]
        check(pruned, f"spark {name}: the date filter is not a partition filter:\n{plan}")
        print(f"ok spark {name}: date = {day} -> {got} rows, pruned by PartitionFilters", flush=True)


# MARK: Round trip

def roundtrip(parquet_path, records_path, unit_encoding, value_encoding, compression):
    raw = np.fromfile(records_path, dtype=np.dtype([("id", "<u4"), ("ts", "<i8"), ("value", "<u8"), ("unit", "u1")]))
    table = pq.read_table(parquet_path)
    check(table.num_rows == len(raw), f"roundtrip: {table.num_rows} rows, expected {len(raw)}")
    if table.num_rows == len(raw):
        ids = table["sensor_id"].to_numpy()
        times = table["timestamp"].cast(pa.int64()).to_numpy()
        values = np.asarray(table["value"].to_numpy(), dtype=np.float64).view(np.uint64)
        check(np.array_equal(ids, raw["id"]), "roundtrip: sensor_id differs")
        check(np.array_equal(times, raw["ts"]), "roundtrip: timestamp differs")
        mismatched = np.nonzero(values != raw["value"])[0]
        check(mismatched.size == 0, f"roundtrip: value bits differ at {mismatched[:5]}")
        units = table["unit"].to_pylist()
        want = [unit_name(int(c)) for c in raw["unit"]] if unit_encoding == "dictionary" else [int(c) for c in raw["unit"]]
        check(units == want, "roundtrip: unit differs")
    md = pq.ParquetFile(parquet_path).metadata
    check(md.num_rows == len(raw), "roundtrip: footer num_rows")
    if len(raw):
        metadata_checks("pyarrow", "roundtrip", parquet_path, value_encoding, compression, unit_encoding)
    print(f"ok roundtrip {parquet_path}: {len(raw)} records bit for bit", flush=True)
    return md


def roundtrips(cases_path):
    for case in json.load(open(cases_path)):
        md = roundtrip(case["file"], case["records"], case["unit_encoding"], case["value_encoding"], case["compression"])
        if "row_groups" in case:
            check(md.num_row_groups == case["row_groups"],
                  f"roundtrip {case['file']}: {md.num_row_groups} row groups, expected {case['row_groups']}")


def main():
    if len(sys.argv) == 7 and sys.argv[1] == "roundtrip":
        roundtrip(*sys.argv[2:7])
    elif len(sys.argv) == 3 and sys.argv[1] == "roundtrips":
        roundtrips(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "engines":
        manifest = json.load(open(sys.argv[2]))
        for dataset in manifest["datasets"]:
            started = time.monotonic()
            pyarrow_checks(dataset)
            polars_checks(dataset)
            duckdb_checks(dataset)
            print(f"   ({dataset['name']}: pyarrow, Polars, DuckDB in {time.monotonic() - started:.1f} s)", flush=True)
        if manifest.get("spark", True):
            started = time.monotonic()
            spark = spark_session()
            print(f"   (Spark session in {time.monotonic() - started:.1f} s)", flush=True)
            for dataset in manifest["datasets"]:
                spark_checks(spark, dataset)
            spark.stop()
            print(f"   (Spark part in {time.monotonic() - started:.1f} s)", flush=True)
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    if FAILURES:
        print(f"{len(FAILURES)} checks failed", flush=True)
        sys.exit(1)
    print("all checks passed", flush=True)


if __name__ == "__main__":
    main()
