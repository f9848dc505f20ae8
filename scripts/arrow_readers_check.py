#!/usr/bin/env python3
"""Reads DenseRecords' Arrow output with real Arrow readers and checks it against Swift-side figures.

Usage:
  arrow_readers_check.py file PATH EXPECTED.json    pyarrow.ipc.open_file, polars.read_ipc, DuckDB SQL
  arrow_readers_check.py stream EXPECTED.json       pyarrow.ipc.open_stream on standard input (a pipe)
  arrow_readers_check.py values PATH EXPECTED.json  exact values: NaN payloads, infinities, extreme timestamps, unit codes
  arrow_readers_check.py probe                      exits 0 when pyarrow, polars and duckdb import

EXPECTED.json is written by the Swift tests (Tests/DenseRecordsTests/Arrow/ArrowReadersTests.swift).
Integer sums travel as decimal strings and are compared exactly; the value column is compared
bit for bit through the wrapping sum of its IEEE 754 bit patterns, and its floating sum and
per-sensor averages with a relative tolerance, as readers sum in different orders.

Exit status: 0 when every check passes, 1 when one fails (each failure is printed), 2 on usage
errors, 3 when a reader package is missing. Nothing here downloads anything: DuckDB runs with
extension auto-install and auto-load turned off and scans the pyarrow table in memory.
"""

import json
import math
import sys

try:
    import duckdb
    import numpy as np
    import polars as pl
    import pyarrow as pa
    import pyarrow.ipc as ipc
except ImportError as error:  # pragma: no cover - reported to the caller
    print(f"missing Python package: {error.name} (python3 -m pip install pyarrow polars duckdb)", file=sys.stderr)
    sys.exit(3)

FAILURES = []


def check(condition, message):
    if not condition:
        FAILURES.append(message)
        print(f"FAIL: {message}", file=sys.stderr)


def close(a, b, tolerance=1e-9):
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)


def expected_schema(unit_encoding):
    unit = pa.dictionary(pa.uint8(), pa.string()) if unit_encoding == "dictionary" else pa.uint8()
    return pa.schema([
        pa.field("sensor_id", pa.uint32(), nullable=False),
        pa.field("timestamp", pa.timestamp("ns", tz="UTC"), nullable=False),
        pa.field("value", pa.float64(), nullable=False),
        pa.field("unit", unit, nullable=False),
    ])


def unit_counts_of(column):
    """Counts per unit name (dictionary) or per code as a string (uint8)."""
    counts = {}
    for entry in column.value_counts().to_pylist():
        counts[str(entry["values"])] = entry["counts"]
    return counts


def check_table(reader, table, expected):
    """Schema, row count, exact integer sums, value bits and unit counts of a pyarrow table."""
    table.validate(full=True)
    check(table.schema.equals(expected_schema(expected["unit_encoding"])),
          f"{reader}: schema is\n{table.schema}\nexpected\n{expected_schema(expected['unit_encoding'])}")
    check(table.num_rows == expected["rows"], f"{reader}: {table.num_rows} rows, expected {expected['rows']}")
    ids = table.column("sensor_id").to_numpy()
    check(int(ids.astype(np.uint64).sum()) == int(expected["sensor_id_sum"]),
          f"{reader}: sensor_id sum {int(ids.astype(np.uint64).sum())}, expected {expected['sensor_id_sum']}")
    stamps = table.column("timestamp").cast(pa.int64()).to_numpy()
    stamp_sum = sum(stamps.tolist())
    check(stamp_sum == int(expected["timestamp_sum"]), f"{reader}: timestamp sum {stamp_sum}, expected {expected['timestamp_sum']}")
    values = table.column("value").to_numpy()
    bits = int(values.view(np.uint64).sum(dtype=np.uint64))
    check(bits == int(expected["value_bits_sum"]), f"{reader}: value bit-pattern sum {bits}, expected {expected['value_bits_sum']}")
    check(close(float(values.sum()), expected["value_sum"]), f"{reader}: value sum {values.sum()}, expected {expected['value_sum']}")
    counts = unit_counts_of(table.column("unit").combine_chunks())
    check(counts == expected["unit_counts"], f"{reader}: unit counts {counts}, expected {expected['unit_counts']}")


def check_file(path, expected):
    # pyarrow: the random-access file reader, batch by batch as the footer lists them.
    reader = ipc.open_file(path)
    check(reader.num_record_batches == expected["batches"],
          f"pyarrow: {reader.num_record_batches} record batches, expected {expected['batches']}")
    lengths = [reader.get_batch(i).num_rows for i in range(reader.num_record_batches)]
    check(lengths == expected["batch_lengths"], f"pyarrow: batch lengths {lengths[:5]}…, expected {expected['batch_lengths'][:5]}…")
    table = reader.read_all()
    check_table("pyarrow.ipc.open_file", table, expected)
    print(f"pyarrow {pa.__version__}: open_file read {table.num_rows} rows in {reader.num_record_batches} batches; schema, sums and unit counts match")

    # Polars: its own IPC reader (not pyarrow's), with the file memory-mapped.
    frame = pl.read_ipc(path)
    unit_type = pl.Categorical if expected["unit_encoding"] == "dictionary" else pl.UInt8
    polars_schema = {"sensor_id": pl.UInt32, "timestamp": pl.Datetime("ns", "UTC"), "value": pl.Float64, "unit": unit_type}
    check(dict(frame.schema) == polars_schema, f"polars: schema {dict(frame.schema)}, expected {polars_schema}")
    check(frame.height == expected["rows"], f"polars: {frame.height} rows, expected {expected['rows']}")
    check(int(frame["sensor_id"].cast(pl.UInt64).sum()) == int(expected["sensor_id_sum"]), "polars: sensor_id sum differs")
    check(sum(frame["timestamp"].cast(pl.Int64).to_list()) == int(expected["timestamp_sum"]), "polars: timestamp sum differs")
    polars_bits = int(frame["value"].to_numpy().view(np.uint64).sum(dtype=np.uint64))
    check(polars_bits == int(expected["value_bits_sum"]), "polars: value bit-pattern sum differs")
    check(close(frame["value"].sum(), expected["value_sum"]), f"polars: value sum {frame['value'].sum()}, expected {expected['value_sum']}")
    polars_counts = {str(unit): count for unit, count in frame["unit"].cast(pl.Utf8).value_counts().iter_rows()}
    check(polars_counts == expected["unit_counts"], f"polars: unit counts {polars_counts}")
    print(f"polars {pl.__version__}: read_ipc read {frame.height} rows; schema, sums and unit counts match")

    # DuckDB: SQL over the Arrow table (a replacement scan of the Python variable `tbl`).
    tbl = table  # noqa: F841 - DuckDB finds the table by this name
    connection = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    rows = connection.sql("SELECT sensor_id, count(*), avg(value) FROM tbl GROUP BY 1 ORDER BY 1").fetchall()
    per_sensor = expected["per_sensor"]
    check(len(rows) == len(per_sensor), f"duckdb: {len(rows)} sensor groups, expected {len(per_sensor)}")
    mismatches = [(sensor, count, average) for sensor, count, average in rows
                  if str(sensor) not in per_sensor
                  or per_sensor[str(sensor)][0] != count
                  or not close(per_sensor[str(sensor)][1], average)]
    check(not mismatches, f"duckdb: {len(mismatches)} groups differ from Swift, first {mismatches[:3]}")
    (total,), = connection.sql("SELECT count(*) FROM tbl").fetchall()
    check(total == expected["rows"], f"duckdb: count(*) {total}, expected {expected['rows']}")
    units = dict(connection.sql("SELECT CAST(unit AS VARCHAR), count(*) FROM tbl GROUP BY 1").fetchall())
    check(units == expected["unit_counts"], f"duckdb: unit counts {units}")
    print(f"duckdb {duckdb.__version__}: SELECT sensor_id, count(*), avg(value) ... GROUP BY 1 matches the Swift aggregate for {len(rows)} sensors")


def check_stream(expected):
    reader = ipc.open_stream(sys.stdin.buffer)
    batches = list(reader)
    table = pa.Table.from_batches(batches, schema=reader.schema)
    lengths = [batch.num_rows for batch in batches]
    check(lengths == expected["batch_lengths"], f"open_stream: batch lengths {lengths[:5]}…, expected {expected['batch_lengths'][:5]}…")
    check_table("pyarrow.ipc.open_stream", table, expected)
    print(f"pyarrow {pa.__version__}: open_stream read {table.num_rows} rows in {len(batches)} batches from a pipe; schema, sums and unit counts match")


def check_values(path, expected):
    table = ipc.open_file(path).read_all()
    check(table.schema.equals(expected_schema(expected["unit_encoding"])), f"values: schema is\n{table.schema}")
    rows = expected["records"]
    check(table.num_rows == len(rows), f"values: {table.num_rows} rows, expected {len(rows)}")
    ids = table.column("sensor_id").to_pylist()
    stamps = table.column("timestamp").cast(pa.int64()).to_pylist()
    bits = table.column("value").to_numpy().view(np.uint64).tolist()
    values = table.column("value").to_pylist()
    units = table.column("unit").to_pylist()
    for index, row in enumerate(rows[: table.num_rows]):
        actual = (ids[index], stamps[index], f"{bits[index]:016x}", units[index])
        wanted = (row["sensor_id"], row["timestamp"], row["value_bits"], row["unit"])
        check(actual == wanted, f"values: row {index} is {actual}, expected {wanted} (value {values[index]})")
    print(f"pyarrow {pa.__version__}: {table.num_rows} edge-case rows (NaN payloads, ±inf, -0.0, extreme and negative timestamps, unknown unit codes) match bit for bit")


def main(arguments):
    if arguments[:1] == ["probe"]:
        print(f"pyarrow {pa.__version__}, polars {pl.__version__}, duckdb {duckdb.__version__}")
        return 0
    if len(arguments) == 3 and arguments[0] == "file":
        check_file(arguments[1], json.load(open(arguments[2])))
    elif len(arguments) == 2 and arguments[0] == "stream":
        check_stream(json.load(open(arguments[1])))
    elif len(arguments) == 3 and arguments[0] == "values":
        check_values(arguments[1], json.load(open(arguments[2])))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    if FAILURES:
        print(f"{len(FAILURES)} check(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
