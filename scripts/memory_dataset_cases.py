"""The dataset rows of the memory comparison report: what a Python user would pick today.

Imported by python_memory_cases.py, which memory-report runs in a fresh interpreter per
(representation, dataset, records, repetition). Each case reads a dataset file of packed
21-byte records (sensor_id u32, timestamp_ns i64, value f64, unit u8, little-endian, no
padding: the layout of sensor_record_t) that memory-report wrote, before any baseline is
read, and then measures one of:

  numpy-structured   a numpy structured array with the packed dtype (itemsize 21)
  pandas-typed       a pandas DataFrame with typed columns: uint32, datetime64[ns], float64, uint8
  polars-dataframe   a Polars DataFrame: UInt32, Datetime(ns), Float64, UInt8
  pyarrow-table      a pyarrow Table: uint32, timestamp[ns], float64, uint8
  parquet-zstd       a Parquet file written by pyarrow: zstd, DELTA_BINARY_PACKED for sensor_id
                     and timestamp, dictionary for unit and value (pyarrow falls back to plain
                     pages when the value dictionary outgrows its limit), rows sorted by
                     (sensor_id, timestamp) first, as a time-series store would keep them
  arrow-ipc-zstd     an Arrow IPC file with zstd buffer compression, sorted the same way

Every figure is measured here and printed as one JSON line; nothing is assumed.

- Allocated bytes: numpy and pandas through tracemalloc, on a second, untimed build
  (numpy reports its buffers to tracemalloc); pyarrow through its default memory pool
  (pyarrow.total_allocated_bytes() after the build minus before); Polars through
  DataFrame.estimated_size(), the size of its buffers (Polars allocates outside Python's
  allocators and exposes no allocator statistics). The on-disk rows report the file size.
- Column split: numpy's dtype field sizes, pandas' memory_usage(deep=True) (its index in
  "other"), Polars' Series.estimated_size(), pyarrow's ChunkedArray.nbytes, Parquet's
  column-chunk total_compressed_size (footer and page headers outside the chunks in
  "other"). The Arrow IPC file gives no per-column split.
- Content checksum: the wrapping 64-bit sum over records of a hash of all four fields
  (see content_checksum), read back through the structure or the file. It does not
  depend on the order, so a row that reorders records (the sorted files, the compressed
  store) still shows that it holds exactly the records it was given.
"""

import gc
import os
import sys
import tempfile
import time
import tracemalloc

import numpy as np

# The packed record: numpy lays out a structured dtype without padding unless align=True.
PACKED = np.dtype([("sensor_id", "<u4"), ("timestamp_ns", "<i8"), ("value", "<f8"), ("unit", "u1")])
assert PACKED.itemsize == 21

ON_DISK = {"parquet-zstd", "arrow-ipc-zstd"}

INDEX_SEED = 0x9E3779B97F4A7C15
MASK64 = (1 << 64) - 1


def fmix(k):
    """MurmurHash3's 64-bit finalizer, in place on a uint64 array (multiplication wraps)."""
    k ^= k >> np.uint64(33)
    k *= np.uint64(0xFF51AFD7ED558CCD)
    k ^= k >> np.uint64(33)
    k *= np.uint64(0xC4CEB9FE1A85EC53)
    k ^= k >> np.uint64(33)
    return k


def content_checksum(sensor, timestamp, value, unit):
    """The order-independent checksum memory-report's Swift rows compute the same way.

    Per record: h = fmix(sensor ^ seed), h = fmix(h ^ timestamp bits), h = fmix(h ^ value bits),
    h = fmix(h ^ unit); the checksum is the sum of h modulo 2^64, as 16 hex digits.
    """
    with np.errstate(over="ignore"):
        h = np.asarray(sensor).astype(np.uint64) ^ np.uint64(INDEX_SEED)
        h = fmix(h)
        h ^= np.asarray(timestamp).view(np.int64).astype(np.uint64)
        h = fmix(h)
        h ^= np.ascontiguousarray(value, dtype=np.float64).view(np.uint64)
        h = fmix(h)
        h ^= np.asarray(unit).astype(np.uint64)
        h = fmix(h)
        total = int(h.sum(dtype=np.uint64))
    return f"{total & MASK64:016x}"


def random_indices(count, record_count):
    """The index sequence of RecordSource.randomIndices(count:recordCount:)."""
    state = INDEX_SEED
    result = [0] * count
    for position in range(count):
        state = (state * 6_364_136_223_846_793_005 + 1_442_695_040_888_963_407) & MASK64
        result[position] = (state >> 33) % record_count
    return result


def scan_passes(records):
    """The same rule as CaseRunner.scanPasses(records:)."""
    return max(1, min(100, 1_000_000 // max(records, 1)))


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


# MARK: builders, one per representation


def build_numpy(source):
    return source.copy()


def build_pandas(source):
    import pandas as pd

    # astype makes a fresh contiguous column each; copy=False keeps pandas from copying it again.
    return pd.DataFrame({
        "sensor_id": source["sensor_id"].astype(np.uint32),
        "timestamp": source["timestamp_ns"].astype("datetime64[ns]"),
        "value": source["value"].astype(np.float64),
        "unit": source["unit"].astype(np.uint8),
    }, copy=False)


def build_polars(source):
    import polars as pl

    return pl.DataFrame([
        pl.Series("sensor_id", source["sensor_id"], dtype=pl.UInt32),
        pl.Series("timestamp", source["timestamp_ns"], dtype=pl.Int64).cast(pl.Datetime("ns")),
        pl.Series("value", source["value"], dtype=pl.Float64),
        pl.Series("unit", source["unit"], dtype=pl.UInt8),
    ])


def build_arrow(source):
    import pyarrow as pa

    # The fields of a packed structured array are strided views, so pyarrow copies each into its pool.
    return pa.table({
        "sensor_id": pa.array(source["sensor_id"], type=pa.uint32()),
        "timestamp": pa.array(source["timestamp_ns"], type=pa.timestamp("ns")),
        "value": pa.array(source["value"], type=pa.float64()),
        "unit": pa.array(source["unit"], type=pa.uint8()),
    })


def sorted_arrow(source):
    return build_arrow(source).sort_by([("sensor_id", "ascending"), ("timestamp", "ascending")])


def write_parquet(source, path):
    import pyarrow.parquet as pq

    pq.write_table(
        sorted_arrow(source), path, compression="zstd", use_dictionary=["unit", "value"],
        column_encoding={"sensor_id": "DELTA_BINARY_PACKED", "timestamp": "DELTA_BINARY_PACKED"})


def write_arrow_ipc(source, path):
    import pyarrow as pa
    import pyarrow.ipc as ipc

    table = sorted_arrow(source)
    with ipc.new_file(path, table.schema, options=ipc.IpcWriteOptions(compression="zstd")) as writer:
        writer.write_table(table)


def read_parquet(path, columns=None):
    import pyarrow.parquet as pq

    return pq.read_table(path, columns=columns)


def read_arrow_ipc(path):
    import pyarrow.ipc as ipc

    with ipc.open_file(path) as reader:
        return reader.read_all()


# MARK: per-representation reads


def scan(representation, structure):
    """The sum of every value through the structure's own idiomatic path."""
    if representation == "numpy-structured":
        return float(structure["value"].sum())
    if representation in ("pandas-typed", "polars-dataframe"):
        return float(structure["value"].sum())
    if representation == "pyarrow-table":
        import pyarrow.compute as pc

        return pc.sum(structure.column("value")).as_py()
    if representation == "parquet-zstd":
        import pyarrow.compute as pc

        return pc.sum(read_parquet(structure, ["value"]).column("value")).as_py()
    import pyarrow.compute as pc

    return pc.sum(read_arrow_ipc(structure).column("value")).as_py()


def random_read(representation, structure, indices):
    """The sum of the value at each index, one scalar read at a time."""
    total = 0.0
    if representation == "numpy-structured":
        values = structure["value"]
        for index in indices:
            total += values[index]
    elif representation == "pandas-typed":
        values = structure["value"]
        for index in indices:
            total += values.iat[index]
    elif representation == "polars-dataframe":
        values = structure["value"]
        for index in indices:
            total += values[index]
    else:
        values = structure.column("value")
        for index in indices:
            total += values[index].as_py()
    return float(total)


def columns_of(representation, structure):
    """The four columns as numpy arrays (timestamps as int64 nanoseconds), read back from the structure."""
    if representation == "numpy-structured":
        return structure["sensor_id"], structure["timestamp_ns"], structure["value"], structure["unit"]
    if representation == "pandas-typed":
        return tuple(structure[name].to_numpy() for name in ("sensor_id", "timestamp", "value", "unit"))
    if representation == "polars-dataframe":
        import polars as pl

        return (structure["sensor_id"].to_numpy(), structure["timestamp"].cast(pl.Int64).to_numpy(),
                structure["value"].to_numpy(), structure["unit"].to_numpy())
    table = structure
    if representation == "parquet-zstd":
        table = read_parquet(structure)
    elif representation == "arrow-ipc-zstd":
        table = read_arrow_ipc(structure)
    import pyarrow as pa

    timestamps = table.column("timestamp").cast(pa.int64())
    return (table.column("sensor_id").to_numpy(), timestamps.to_numpy(), table.column("value").to_numpy(),
            table.column("unit").to_numpy())


def column_bytes(representation, structure, file_bytes):
    """The bytes of each column as the library reports them, and where that figure comes from."""
    names = {"sensor_id": "sensorID", "timestamp": "timestamp", "timestamp_ns": "timestamp", "value": "value", "unit": "unit"}
    if representation == "numpy-structured":
        count = len(structure)
        return {names[name]: structure.dtype.fields[name][0].itemsize * count for name in structure.dtype.names}, \
            "numpy dtype field sizes"
    if representation == "pandas-typed":
        usage = structure.memory_usage(index=True, deep=True)
        split = {names[name]: int(usage[name]) for name in ("sensor_id", "timestamp", "value", "unit")}
        split["other"] = int(usage["Index"])
        return split, "pandas memory_usage(deep=True)"
    if representation == "polars-dataframe":
        return {names[name]: int(structure[name].estimated_size()) for name in structure.columns}, \
            "polars Series.estimated_size()"
    if representation == "pyarrow-table":
        return {names[name]: int(structure.column(name).nbytes) for name in structure.column_names}, \
            "pyarrow ChunkedArray.nbytes"
    if representation == "parquet-zstd":
        import pyarrow.parquet as pq

        metadata = pq.ParquetFile(structure).metadata
        split = {}
        for group in range(metadata.num_row_groups):
            for column in range(metadata.num_columns):
                chunk = metadata.row_group(group).column(column)
                key = names[chunk.path_in_schema]
                split[key] = split.get(key, 0) + chunk.total_compressed_size
        split["other"] = file_bytes - sum(split.values())
        return split, "Parquet column chunk total_compressed_size"
    return None, None


# MARK: the measurement


def measure(args):
    representation, count = args.representation, args.records
    source = np.fromfile(args.dataset_file, dtype=PACKED)
    if len(source) != count:
        raise SystemExit(f"{args.dataset_file} holds {len(source)} records, not --records {count}")
    on_disk = representation in ON_DISK
    indices = [] if on_disk else random_indices(args.random_reads, count)
    passes = scan_passes(count)
    scratch = tempfile.mkdtemp(prefix="memory-report-", dir=args.scratch)
    path = os.path.join(scratch, representation + (".parquet" if representation == "parquet-zstd" else ".arrow"))

    builders = {
        "numpy-structured": build_numpy, "pandas-typed": build_pandas, "polars-dataframe": build_polars,
        "pyarrow-table": build_arrow,
    }
    if representation == "pyarrow-table":
        import pyarrow as pa
    elif representation == "pandas-typed":
        import pandas  # noqa: F401 (imported before the baseline, so its import does not count)
    elif representation == "polars-dataframe":
        import polars  # noqa: F401
    elif on_disk:
        import pyarrow.parquet  # noqa: F401
        import pyarrow.ipc  # noqa: F401
        import pyarrow.compute  # noqa: F401
    # One tiny build first, so that lazy initialisation inside the library (kernels, memory
    # pools, thread pools) is not counted as the cost of storing the records.
    warm_up = os.path.join(scratch, "warm-up")
    if representation == "parquet-zstd":
        write_parquet(source[:1], warm_up)
        os.remove(warm_up)
    elif representation == "arrow-ipc-zstd":
        write_arrow_ipc(source[:1], warm_up)
        os.remove(warm_up)
    else:
        scan(representation, builders[representation](source[:1]))
    gc.collect()

    pool_before = pa.total_allocated_bytes() if representation == "pyarrow-table" else None
    resident_before = resident_bytes()
    peak_was_reset = reset_peak_resident()
    start = time.perf_counter_ns()
    if representation == "parquet-zstd":
        write_parquet(source, path)
        structure = path
    elif representation == "arrow-ipc-zstd":
        write_arrow_ipc(source, path)
        structure = path
    else:
        structure = builders[representation](source)
    ingest = time.perf_counter_ns() - start
    peak = peak_resident_bytes() if peak_was_reset else None
    resident_after = resident_bytes()
    pool_after = pa.total_allocated_bytes() if representation == "pyarrow-table" else None
    file_bytes = os.path.getsize(path) if on_disk else None

    start = time.perf_counter_ns()
    checksum = 0.0
    for pass_index in range(passes):
        total = scan(representation, structure)
        if pass_index == 0:
            checksum = total
    scan_ns = time.perf_counter_ns() - start

    random_ns = None
    random_checksum = None
    if indices:
        start = time.perf_counter_ns()
        random_checksum = random_read(representation, structure, indices)
        random_ns = time.perf_counter_ns() - start

    content = content_checksum(*columns_of(representation, structure))
    split, split_source = column_bytes(representation, structure, file_bytes)

    allocated = None
    allocator_source = "file size"
    if representation == "pyarrow-table":
        allocated = pool_after - pool_before
        allocator_source = "pyarrow memory pool"
    elif representation == "polars-dataframe":
        allocated = int(structure.estimated_size())
        allocator_source = "polars estimated_size()"

    start = time.perf_counter_ns()
    if on_disk:
        os.remove(path)
    del structure
    release_ns = time.perf_counter_ns() - start
    resident_after_release = resident_bytes() - resident_before
    os.rmdir(scratch)

    if representation in ("numpy-structured", "pandas-typed"):
        gc.collect()
        tracemalloc.start()
        traced_before, _ = tracemalloc.get_traced_memory()
        structure = builders[representation](source)
        traced_after, _ = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        allocated = traced_after - traced_before
        allocator_source = "tracemalloc"

    return {
        "representation": representation,
        "dataset": args.dataset,
        "kind": "on-disk" if on_disk else "in-memory",
        "records": count,
        "allocatorSource": allocator_source,
        "allocatedBytes": allocated,
        "residentBytes": None if on_disk else resident_after - resident_before,
        "peakResidentBytes": None if on_disk or peak is None else peak - resident_before,
        "fileBytes": file_bytes,
        "columnBytes": split,
        "columnBytesSource": split_source,
        "contentChecksum": content,
        "ingestNanoseconds": float(ingest),
        "scanNanoseconds": float(scan_ns),
        "scanPasses": passes,
        "randomReads": len(indices),
        "randomReadNanoseconds": None if random_ns is None else float(random_ns),
        "releaseNanoseconds": float(release_ns),
        "residentAfterReleaseBytes": None if on_disk else resident_after_release,
        "scanChecksum": checksum,
        "randomReadChecksum": random_checksum,
        "runtime": "python " + sys.version.split()[0],
    }
