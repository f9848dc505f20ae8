import CDenseRecordsShims
import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsSnapshot
import DenseRecordsTestSupport
import Foundation

/// An arena of `count` deterministic records, starting at record `first`.
func makeArena(_ count: Int, first: Int = 0) throws -> RecordArena {
    let arena = RecordArena()
    try arena.append(contentsOf: (first..<(first + count)).lazy.map(record))
    return arena
}

/// Every record of `records`, read chunk by chunk through `forEachChunk`.
func chunkScan(_ records: some ChunkedRecords) -> [SensorRecord] {
    var all: [SensorRecord] = []
    all.reserveCapacity(records.count)
    records.forEachChunk { (chunk) throws(Never) in
        for raw in chunk { all.append(SensorRecord(raw)) }
    }
    return all
}

/// True when `records` holds exactly `count` records equal to `record(first)`, `record(first + 1)`, …,
/// compared byte for byte through both the chunk API and the subscript.
func holdsExactly(_ records: some ChunkedRecords, _ count: Int, first: Int = 0) -> Bool {
    guard records.count == count else { return false }
    var index = first
    var same = true
    records.forEachChunk { (chunk) throws(Never) in
        for raw in chunk {
            var expected = record(index).raw
            var actual = raw
            same = same && memcmp(&expected, &actual, 21) == 0
            index += 1
        }
    }
    guard same, index == first + count else { return false }
    // Spot-check the subscript at the ends and a stride through the middle.
    for position in stride(from: 0, to: count, by: Swift.max(1, count / 97)) where records[position] != record(first + position) {
        return false
    }
    return count == 0 || records[count - 1] == record(first + count - 1)
}

/// The file's bytes, read with `open` and `read`. (`Data(contentsOf:)` leaks its
/// buffer for a zero-length file, which LeakSanitizer reports.)
func bytes(of path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    defer { close(fd) }
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if got < 0 {
            if errno == EINTR { continue }
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        if got == 0 { return result }
        result += buffer[0..<got]
    }
}

/// Replaces the file with `bytes`.
func write(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

func loadLE<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], _ offset: Int) -> T {
    bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
}

func storeLE<T: FixedWidthInteger>(_ value: T, _ bytes: inout [UInt8], _ offset: Int) {
    bytes.withUnsafeMutableBytes { $0.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self) }
}

/// Recomputes the CRC32C of the header slot at `slot`, as docs/snapshot-format.md defines it,
/// independently of the library's encoder.
func resealHeader(_ bytes: inout [UInt8], slot: Int = 0) {
    let length = Int(loadLE(UInt16.self, bytes, slot + 10))
    storeLE(UInt32(0), &bytes, slot + 72)
    let crc = bytes.withUnsafeBytes { dr_crc32c(0, $0.baseAddress! + slot, length) }
    storeLE(crc, &bytes, slot + 72)
}

/// Runs the three readers on the file at `path` and on its bytes; all must agree.
func openErrors(_ path: String) -> (mapped: SnapshotError?, loaded: SnapshotError?, validated: SnapshotError?) {
    var mapped: SnapshotError?
    do { let view = try MappedSnapshot(contentsOf: path); try view.verify() } catch { mapped = error }
    var loaded: SnapshotError?
    do { _ = try RecordArena(contentsOfSnapshot: path) } catch { loaded = error }
    var validated: SnapshotError?
    let fileBytes = (try? bytes(of: path)) ?? []
    do { _ = try fileBytes.withUnsafeBytes { (raw) throws(SnapshotError) in try SnapshotFormat.validate(raw) } } catch { validated = error as? SnapshotError }
    return (mapped, loaded, validated)
}

/// The bytes of a segment of `records` records in `blocks` blocks: the blocks
/// with their trailers, and in version 2 the block directory after them.
func segmentBytes(records: Int, blocks: Int, version: UInt16 = SnapshotFormat.currentVersion) -> Int {
    records * 21 + blocks * SnapshotFormat.trailerSize
        + (version >= 2 ? blocks * SnapshotFormat.directoryEntrySize + 16 : 0)
}
