import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsSnapshot
import DenseRecordsTestSupport
import Foundation
import Testing

/// What a failed save or append leaves on disk, and requests a lying header
/// makes, each run in a child process with its file size or memory capped.
@Suite("Snapshot failures")
struct SnapshotFailureTests {
    @Test("An append that fails on a full disk cuts the file back to its committed length")
    func appendOnFullDisk() async throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("full.drsnap")
        try makeArena(10_000).writeSnapshot(to: path)  // 218,352 bytes
        let committed = try bytes(of: path)
        await #expect(processExitsWith: .success) { [path = path as String, size = committed.count as Int] in
            limitChildFileSize(1 << 20)
            do {
                try makeArena(100_000, first: 10_000).appendSnapshot(to: path)
                childFails("the append passed the 1 MiB file size limit")
            } catch let error as SnapshotError {
                childExpect(error == .system(operation: "writev", path: path, errno: EFBIG), "unexpected \(error)")
            } catch {
                childFails("unexpected \(error)")
            }
            let after = try bytes(of: path)
            childExpect(after.count == size, "the failed append left \(after.count) bytes; \(size) are committed")
            let view = try MappedSnapshot(contentsOf: path)
            try view.verify()
            childExpect(holdsExactly(view, 10_000), "the committed records changed")
            // The next append that fits goes ahead.
            try makeArena(7, first: 10_000).appendSnapshot(to: path)
            childExpect(holdsExactly(try MappedSnapshot(contentsOf: path), 10_007), "the next append failed")
            exit(0)
        }
    }

    @Test("A save that fails on a full disk leaves the old file and no temporary file")
    func saveOnFullDisk() async throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("full.drsnap")
        try makeArena(100).writeSnapshot(to: path)
        let old = try bytes(of: path)
        await #expect(processExitsWith: .success) { [path = path as String, folder = folder.path as String, old = old as [UInt8]] in
            limitChildFileSize(1 << 20)
            do {
                try makeArena(100_000).writeSnapshot(to: path)
                childFails("the save passed the 1 MiB file size limit")
            } catch let error as SnapshotError {
                guard case let .system(operation, _, code) = error, operation == "writev", code == EFBIG else {
                    childFails("unexpected \(error)")
                }
            } catch {
                childFails("unexpected \(error)")
            }
            childExpect(try bytes(of: path) == old, "the old snapshot changed")
            let names = try FileManager.default.contentsOfDirectory(atPath: folder)
            childExpect(names == ["full.drsnap"], "left \(names)")
            exit(0)
        }
    }

    @Test("Loading a header that claims 5 × 10^10 records throws before reserving or mapping anything")
    func hugeRecordCount() async throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("huge.drsnap")
        let records = 50_000_000_000
        try writeSparseSnapshot(to: path, records: records, recordsPerBlock: 99_864)
        await #expect(processExitsWith: .success) { [path = path as String, records = records as Int] in
            limitSnapshotChild(extraAddressSpace: 1 << 30)
            do {
                _ = try RecordArena(contentsOfSnapshot: path)
                childFails("loaded \(records) records")
            } catch {
                let expected = SnapshotError.arena(.requestExceedsPhysicalMemory(requestedBytes: records * 21, physicalBytes: physicalMemory()))
                childExpect(error as? SnapshotError == expected, "got \(error), expected \(expected)")
            }
            do {
                _ = try RecordArena(contentsOfSnapshot: path, byteLimit: 1 << 20)
                childFails("loaded \(records) records under a 1 MiB limit")
            } catch {
                let expected = SnapshotError.arena(.byteLimitExceeded(limit: 1 << 20, allocatedBytes: 0, requestedBytes: records * 21))
                childExpect(error as? SnapshotError == expected, "got \(error), expected \(expected)")
            }
            exit(0)
        }
    }

    @Test("Mapping a header whose verification bitset could not fit in memory throws before mapping")
    func hugeBlockCount() async throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("blocks.drsnap")
        // One record per block, and more blocks than physical memory has bits.
        let blocks = physicalMemory() * 8 + 64
        do {
            try writeSparseSnapshot(to: path, records: blocks, recordsPerBlock: 1)
        } catch {
            return  // the file system cannot hold so large a sparse file; nothing to test
        }
        await #expect(processExitsWith: .success) { [path = path as String, blocks = blocks as Int] in
            limitSnapshotChild(extraAddressSpace: 1 << 30)
            do {
                _ = try MappedSnapshot(contentsOf: path)
                childFails("mapped \(blocks) blocks")
            } catch {
                guard case let .exceedsPhysicalMemory(_, requested, physical) = error as? SnapshotError else { childFails("unexpected \(error)") }
                childExpect(requested == (blocks + 63) / 64 * 8 && physical == physicalMemory(), "\(error)")
            }
            exit(0)
        }
    }
}

/// Writes a snapshot of `records` records in one segment whose header is valid and whose
/// blocks are a hole: the file is extended with `ftruncate`, so it takes no disk space.
func writeSparseSnapshot(to path: String, records: Int, recordsPerBlock: Int) throws {
    let blocks = (records + recordsPerBlock - 1) / recordsPerBlock
    let fileSize = SnapshotFormat.dataOffset + (records == 0 ? 0 : segmentBytes(records: records, blocks: blocks, version: 1))
    var bytes = [UInt8](repeating: 0, count: SnapshotFormat.dataOffset)
    storeLE(SnapshotFormat.magic, &bytes, 0)
    storeLE(UInt16(1), &bytes, 8)
    storeLE(UInt16(96 + 32), &bytes, 10)
    storeLE(UInt16(21), &bytes, 12)
    storeLE(UInt32(recordsPerBlock), &bytes, 16)
    storeLE(UInt32(1), &bytes, 20)
    storeLE(UInt64(records), &bytes, 32)
    storeLE(UInt64(blocks), &bytes, 40)
    storeLE(UInt64(fileSize), &bytes, 64)
    storeLE(UInt64(SnapshotFormat.dataOffset), &bytes, 96)
    storeLE(UInt64(records), &bytes, 104)
    resealHeader(&bytes)
    try write(bytes, to: path)
    guard truncate(path, off_t(fileSize)) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
}
