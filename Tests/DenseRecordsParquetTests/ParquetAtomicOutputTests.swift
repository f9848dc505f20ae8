@_spi(Testing) import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsParquet
import DenseRecordsSnapshot
import DenseRecordsTestSupport
import Foundation
import Testing

/// `count` deterministic records starting at index `first` (see `record(_:)`).
func parquetRecords(_ count: Int, first: Int = 0) throws -> RecordArena {
    let arena = RecordArena()
    try arena.append(contentsOf: (first..<(first + count)).lazy.map(record))
    return arena
}

/// A Parquet file or dataset written through a path is whole or absent: the target changes
/// only when `finish()` succeeds, and no temporary file stays behind.
@Suite("Parquet output to a path is whole or absent")
struct ParquetAtomicOutputTests {
    @Test("A writer dropped before finish() leaves the earlier file untouched and no temporary file")
    func abandonedWriterKeepsTheEarlierFile() throws {
        let folder = try ScratchFolder()
        let target = folder.file("out.parquet")
        _ = try ParquetWriter.export(try parquetRecords(100), toPath: target)
        let earlier = try #require(FileManager.default.contents(atPath: target))
        do {
            var writer = try ParquetWriter(path: target, options: .init(rowGroupSize: 16))
            try writer.write(try parquetRecords(1_000, first: 5_000))
            #expect(writer.byteCount > 0, "row groups were written before the writer was dropped")
        }
        #expect(FileManager.default.contents(atPath: target) == earlier)
        #expect(folder.names() == ["out.parquet"])
    }

    @Test("A writer dropped before finish() leaves no file where there was none")
    func abandonedWriterLeavesNothing() throws {
        let folder = try ScratchFolder()
        do {
            var writer = try ParquetWriter(path: folder.file("new.parquet"), options: .init(rowGroupSize: 16))
            try writer.write(try parquetRecords(1_000))
        }
        #expect(folder.names() == [])
    }

    @Test("A dataset writer dropped before finish() leaves the earlier dataset untouched and no temporary folder")
    func abandonedDatasetKeepsTheEarlierOne() throws {
        let folder = try ScratchFolder()
        let target = folder.file("lake")
        _ = try ParquetDatasetWriter.export(try parquetRecords(100), toPath: target)
        let earlier = try FileManager.default.subpathsOfDirectory(atPath: target).sorted()
        do {
            var writer = try ParquetDatasetWriter(path: target, options: .init(rowGroupSize: 16))
            try writer.write(try parquetRecords(1_000, first: 100_000_000))
        }
        #expect(try FileManager.default.subpathsOfDirectory(atPath: target).sorted() == earlier)
        #expect(folder.names() == ["lake"])
    }

    @Test("finish() replaces the earlier file with the whole new one")
    func finishReplaces() throws {
        let folder = try ScratchFolder()
        let target = folder.file("out.parquet")
        _ = try ParquetWriter.export(try parquetRecords(100), toPath: target)
        let summary = try ParquetWriter.export(try parquetRecords(300, first: 7), toPath: target, options: .init(rowGroupSize: 64))
        #expect(try ParquetFooter(path: target).rowCount == 300)
        #expect(summary.rowGroupCount == 5)
        #expect(folder.names() == ["out.parquet"])
    }

    @Test("Exporting a snapshot with a damaged block throws for that block and leaves no file")
    func damagedSnapshot() throws {
        let folder = try ScratchFolder()
        let snapshot = folder.file("in.drsnap")
        try (try parquetRecords(64)).writeSnapshot(to: snapshot, options: .init(recordsPerBlock: 16))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: snapshot))
        // A byte inside the third block's records.
        let inside = SnapshotFormat.dataOffset + 2 * (16 * 21 + SnapshotFormat.trailerSize) + 5
        bytes[inside] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: snapshot))
        let mapped = try MappedSnapshot(contentsOf: snapshot)
        do throws(ParquetWriteError) {
            _ = try ParquetWriter.export(mapped, toPath: folder.file("out.parquet"))
            Issue.record("a damaged block was exported")
        } catch {
            guard case let .damagedInput(chunk, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(chunk == 2)
            #expect(error.description.contains("chunk 2"))
        }
        #expect(folder.names() == ["in.drsnap"])
    }

    /// A file-size limit makes a write fail part-way (`EFBIG`), as a full disk does (`ENOSPC`).
    @Test("A write that fails part-way (a full disk) is reported and leaves the earlier file untouched, no temporary file")
    func failedWriteKeepsTheEarlierFile() async throws {
        let folder = try ScratchFolder()
        let target = folder.file("out.parquet")
        _ = try ParquetWriter.export(try parquetRecords(100), toPath: target)
        let earlier = try #require(FileManager.default.contents(atPath: target))
        await #expect(processExitsWith: .success) { [target = target as String] in
            signal(SIGXFSZ, SIG_IGN)
            var limit = rlimit(rlim_cur: 100_000, rlim_max: 100_000)
            guard setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit) == 0 else { exit(3) }
            do {
                _ = try ParquetWriter.export(
                    try parquetRecords(200_000, first: 1), toPath: target, options: .init(rowGroupSize: 4_096, compression: .none))
                exit(4)  // the limit did not bite
            } catch let error as ParquetWriteError {
                guard case let .writeFailed(destination, code, _) = error, code == EFBIG, destination == target else { exit(5) }
                guard error.description.contains(target), error.description.contains("errno \(EFBIG)") else { exit(6) }
            }
        }
        #expect(FileManager.default.contents(atPath: target) == earlier)
        #expect(folder.names() == ["out.parquet"])
    }

    @Test("A partitioned write that fails part-way leaves the earlier dataset untouched and no temporary folder")
    func failedDatasetWriteKeepsTheEarlierOne() async throws {
        let folder = try ScratchFolder()
        let target = folder.file("lake")
        _ = try ParquetDatasetWriter.export(try parquetRecords(100), toPath: target)
        let earlier = try FileManager.default.subpathsOfDirectory(atPath: target).sorted()
        await #expect(processExitsWith: .success) { [target = target as String] in
            signal(SIGXFSZ, SIG_IGN)
            var limit = rlimit(rlim_cur: 100_000, rlim_max: 100_000)
            guard setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit) == 0 else { exit(3) }
            do {
                _ = try ParquetDatasetWriter.export(
                    try parquetRecords(200_000, first: 1), toPath: target, options: .init(rowGroupSize: 50_000, compression: .none))
                exit(4)
            } catch let error as ParquetWriteError {
                guard case let .writeFailed(_, code, _) = error, code == EFBIG else { exit(5) }
            }
        }
        #expect(try FileManager.default.subpathsOfDirectory(atPath: target).sorted() == earlier)
        #expect(folder.names() == ["lake"])
    }

    /// Kills a child at each write, fsync and rename of an export (a write lands half its
    /// bytes first), from the first checkpoint to past the last one. The target must be the
    /// earlier file until the rename and the whole new one after it, never a partial one.
    @Test(
        "An export killed at any checkpoint leaves the earlier file or the whole new one",
        .enabled(if: FileFaultInjection.isAvailable, "the kill hook exists in debug builds only"))
    func killedExport() async throws {
        let folder = try ScratchFolder()
        let target = folder.file("out.parquet")
        _ = try ParquetWriter.export(try parquetRecords(50), toPath: target)
        let earlier = try #require(FileManager.default.contents(atPath: target))
        // Count the checkpoints of a whole export in a child of its own (the counter is process-wide),
        // which reports it as its exit status: 200 records in row groups of 32 make 7 row groups.
        let counted = await #expect(processExitsWith: .failure) { [target = target as String] in
            let records = try parquetRecords(200, first: 1_000)
            let before = FileFaultInjection.checkpointsPassed
            _ = try ParquetWriter.export(records, toPath: target + ".count", options: .init(rowGroupSize: 32))
            exit(Int32(min(250, FileFaultInjection.checkpointsPassed - before)))
        }
        guard case let .exitCode(checkpoints) = counted?.exitStatus else {
            Issue.record("the counting child did not exit normally: \(String(describing: counted?.exitStatus))")
            return
        }
        #expect(checkpoints >= 10 && checkpoints < 250, "7 row groups, the footer, fsync, rename and the folder's fsync")
        try? FileManager.default.removeItem(atPath: target + ".count")
        let bound = Int(checkpoints) + 2
        var outcomes: [Bool] = []  // false: the earlier file; true: the new one
        for checkpoint in 1...bound {
            for name in folder.names() { try FileManager.default.removeItem(atPath: folder.file(name)) }
            try earlier.write(to: URL(fileURLWithPath: target))
            await #expect(processExitsWith: .signal(SIGKILL)) { [target = target as String, checkpoint = checkpoint as Int] in
                let records = try parquetRecords(200, first: 1_000)
                FileFaultInjection.killAtCheckpoint(checkpoint)
                _ = try ParquetWriter.export(records, toPath: target, options: .init(rowGroupSize: 32))
                FileFaultInjection.killAtCheckpoint(0)
                _ = raise(SIGKILL)
            }
            let now = try #require(FileManager.default.contents(atPath: target), "the target vanished after a kill at checkpoint \(checkpoint)")
            if now == earlier {
                outcomes.append(false)
            } else {
                #expect(try ParquetFooter(path: target).rowCount == 200, "a partial file after a kill at checkpoint \(checkpoint)")
                outcomes.append(true)
            }
        }
        let switchPoint = outcomes.firstIndex(of: true) ?? outcomes.count
        #expect(switchPoint >= 8, "the rename comes after every row group, the footer and the fsync")
        #expect(switchPoint < Int(checkpoints), "the rename is one of the export's checkpoints")
        #expect(outcomes[..<switchPoint].allSatisfy { !$0 } && outcomes[switchPoint...].allSatisfy { $0 })
        #expect(outcomes.last == true)
    }
}
