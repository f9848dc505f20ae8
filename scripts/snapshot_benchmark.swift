// The snapshot benchmark: save vs dd, open, verify, load, and the checksum choice.
//
// Run it with scripts/snapshot_benchmark.sh, which builds this file in release
// mode as the main file of a throwaway package that depends on DenseRecords by
// path. Every figure is measured in this one run, on this machine, against a
// peer measured beside it; medians of interleaved rounds, because the disk is
// shared and its speed moves by an order of magnitude from second to second.
import DenseRecords
import Foundation

#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
let folder = arguments.count > 1 ? arguments[1] : FileManager.default.temporaryDirectory.path
let recordCount = arguments.count > 2 ? Int(arguments[2]) ?? 10_000_000 : 10_000_000
let rounds = arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5
let snapshotPath = folder + "/benchmark.drsnap"
let ddPath = folder + "/benchmark.dd"

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func gb(_ bytes: Int, _ seconds: Double) -> Double { Double(bytes) / seconds / 1e9 }

/// Drops the file's pages from the page cache (`posix_fadvise(DONTNEED)` after an fsync), so the next read comes from the disk.
func evict(_ path: String) {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return }
    fsync(fd)
    posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_DONTNEED))
    close(fd)
}

/// Runs `dd if=/dev/zero of=<path> bs=1M count=<MiB> conv=fsync` and returns its wall time.
func ddWrite(bytes: Int) throws -> Double {
    unlink(ddPath)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/dd")
    process.arguments = ["if=/dev/zero", "of=\(ddPath)", "bs=1M", "count=\((bytes + (1 << 20) - 1) >> 20)", "conv=fsync"]
    process.standardError = FileHandle.nullDevice
    let start = now()
    try process.run()
    process.waitUntilExit()
    let elapsed = now() - start
    unlink(ddPath)
    return elapsed
}

// MARK: XXH64, the alternative checksum, in plain Swift for the comparison.

func xxh64(_ data: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
    let p1: UInt64 = 0x9E37_79B1_85EB_CA87, p2: UInt64 = 0xC2B2_AE3D_27D4_EB4F, p3: UInt64 = 0x1656_67B1_9E37_79F9
    let p4: UInt64 = 0x85EB_CA77_C2B2_AE63, p5: UInt64 = 0x27D4_EB2F_1656_67C5
    func rotl(_ x: UInt64, _ r: UInt64) -> UInt64 { (x << r) | (x >> (64 - r)) }
    func round(_ acc: UInt64, _ input: UInt64) -> UInt64 { rotl(acc &+ input &* p2, 31) &* p1 }
    func merge(_ acc: UInt64, _ value: UInt64) -> UInt64 { (acc ^ round(0, value)) &* p1 &+ p4 }
    func load64(_ offset: Int) -> UInt64 { UInt64(littleEndian: data.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
    var offset = 0
    let length = data.count
    var h: UInt64
    if length >= 32 {
        var v1 = seed &+ p1 &+ p2, v2 = seed &+ p2, v3 = seed, v4 = seed &- p1
        while offset + 32 <= length {
            v1 = round(v1, load64(offset)); v2 = round(v2, load64(offset + 8))
            v3 = round(v3, load64(offset + 16)); v4 = round(v4, load64(offset + 24))
            offset += 32
        }
        h = rotl(v1, 1) &+ rotl(v2, 7) &+ rotl(v3, 12) &+ rotl(v4, 18)
        h = merge(merge(merge(merge(h, v1), v2), v3), v4)
    } else {
        h = seed &+ p5
    }
    h &+= UInt64(length)
    while offset + 8 <= length {
        h = rotl(h ^ round(0, load64(offset)), 27) &* p1 &+ p4
        offset += 8
    }
    if offset + 4 <= length {
        let word = UInt64(UInt32(littleEndian: data.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        h = rotl(h ^ (word &* p1), 23) &* p2 &+ p3
        offset += 4
    }
    while offset < length {
        h = rotl(h ^ (UInt64(data[offset]) &* p5), 11) &* p1
        offset += 1
    }
    h ^= h >> 33; h &*= p2; h ^= h >> 29; h &*= p3; h ^= h >> 32
    return h
}

// MARK: The run

print("# Snapshot benchmark: \(recordCount) records, \(rounds) rounds, folder \(folder)")
precondition(xxh64(UnsafeRawBufferPointer(start: nil, count: 0)) == 0xEF46_DB37_51D8_E999, "XXH64 self-check failed")
precondition(dr_crc32c(0, "123456789", 9) == 0xE306_9283, "CRC32C self-check failed")

let arena = RecordArena()
do {
    let batchSize = RecordArena.recordsPerChunk
    var batch = [sensor_record_t](repeating: sensor_record_t(), count: batchSize)
    var produced = 0
    while produced < recordCount {
        let n = min(batchSize, recordCount - produced)
        for i in 0..<n {
            let index = produced + i
            batch[i] = sensor_record_t(
                sensor_id: UInt32(truncatingIfNeeded: index &* 2_654_435_761),
                timestamp_ns: 1_700_000_000_000_000_000 + Int64(index) * 1_000_000,
                value: Double(index) * 0.5, unit: UInt8(index % 12))
        }
        try batch.withUnsafeBufferPointer { try arena.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<n])) }
        produced += n
    }
}

// 1. Save vs dd, interleaved.
var saveTimes: [Double] = [], ddTimes: [Double] = [], ratios: [Double] = []
var fileSize = 0
for round in 1...rounds {
    unlink(snapshotPath)
    let start = now()
    let header = try arena.writeSnapshot(to: snapshotPath)
    let save = now() - start
    fileSize = header.fileSize
    let dd = try ddWrite(bytes: fileSize)
    saveTimes.append(save)
    ddTimes.append(dd)
    ratios.append(dd / save)
    print(String(format: "round %d: save %.3f s (%.2f GB/s), dd %.3f s (%.2f GB/s), save/dd speed %.0f%%",
                 round, save, gb(fileSize, save), dd, gb(fileSize, dd), 100 * dd / save))
}
print(String(format: "save: median %.2f GB/s; dd conv=fsync: median %.2f GB/s; median per-round ratio %.0f%% (target >= 80%%)",
             gb(fileSize, median(saveTimes)), gb(fileSize, median(ddTimes)), 100 * median(ratios)))

// 2. Open with mmap: the work before the first read.
var openTimes: [Double] = []
for _ in 0..<1_000 {
    let start = now()
    let view = try MappedSnapshot(contentsOf: snapshotPath)
    openTimes.append(now() - start)
    withExtendedLifetime(view) {}
}
let sortedOpens = openTimes.sorted()
print(String(format: "open (pread 8 KiB header + parse + mmap), %d records, 1000 opens: median %.1f us, p99 %.1f us, max %.1f us (target < 1000 us)",
             recordCount, median(openTimes) * 1e6, sortedOpens[989] * 1e6, sortedOpens[999] * 1e6))

// 3. Full verify, warm (file in the page cache) and cold (its pages evicted first).
var warm: [Double] = []
for _ in 0..<rounds {
    let view = try MappedSnapshot(contentsOf: snapshotPath)
    let start = now()
    try view.verify()
    warm.append(now() - start)
}
var cold: [Double] = []
for _ in 0..<min(rounds, 3) {
    evict(snapshotPath)
    let view = try MappedSnapshot(contentsOf: snapshotPath)
    let start = now()
    try view.verify()
    cold.append(now() - start)
}
print(String(format: "verify %d MB: warm median %.2f GB/s, cold (pages evicted) median %.2f GB/s (target >= 1 GB/s)",
             fileSize / 1_000_000, gb(fileSize, median(warm)), gb(fileSize, median(cold))))

// 4. Load into a new arena (verify + memcpy per block), warm.
var loads: [Double] = []
for _ in 0..<rounds {
    let start = now()
    let loaded = try RecordArena(contentsOfSnapshot: snapshotPath)
    loads.append(now() - start)
    precondition(loaded.count == recordCount)
}
print(String(format: "load into RecordArena (warm): median %.3f s, %.2f GB/s, %.1f ns/record",
             median(loads), gb(fileSize, median(loads)), median(loads) / Double(recordCount) * 1e9))

// 5. The checksum choice, on one 2 MiB block (in cache) and over the arena's chunks (from memory).
let blockBytes = RecordArena.recordsPerChunk * 21
let block = UnsafeMutableRawBufferPointer.allocate(byteCount: blockBytes, alignment: 64)
for i in 0..<blockBytes { block[i] = UInt8(truncatingIfNeeded: i &* 31 &+ 7) }
func throughput(_ name: String, _ body: () -> UInt64) {
    var times: [Double] = []
    var sink: UInt64 = 0
    for _ in 0..<rounds {
        let start = now()
        sink ^= body()
        times.append(now() - start)
    }
    print(String(format: "  %-38@ median %.2f GB/s (sink %llx)", name as NSString, gb(blockBytes * 100, median(times)), sink))
}
print("checksums, 100 x one 2 MiB block:")
throughput("CRC32C, SSE4.2 (dr_crc32c)") {
    var c: UInt32 = 0
    for _ in 0..<100 { c = dr_crc32c(c, block.baseAddress, blockBytes) }
    return UInt64(c)
}
throughput("CRC32C, table-driven (dr_crc32c_software)") {
    var c: UInt32 = 0
    for _ in 0..<100 { c = dr_crc32c_software(c, block.baseAddress, blockBytes) }
    return UInt64(c)
}
throughput("XXH64, Swift -O") {
    var h: UInt64 = 0
    for _ in 0..<100 { h = xxh64(UnsafeRawBufferPointer(block), seed: h) }
    return h
}
throughput("memcpy (the bandwidth ceiling)") {
    let target = UnsafeMutableRawPointer.allocate(byteCount: blockBytes, alignment: 64)
    defer { target.deallocate() }
    for _ in 0..<100 { memcpy(target, block.baseAddress!, blockBytes) }
    return UInt64(target.load(fromByteOffset: 100, as: UInt8.self))
}
print("CRC32C path in use: \(dr_crc32c_is_hardware() ? "SSE4.2 hardware" : "software")")
block.deallocate()
unlink(snapshotPath)
