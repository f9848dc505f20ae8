import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsArrow
import DenseRecordsTestSupport
import Foundation
import Testing

func arena(_ count: Int, first: Int = 0) throws -> RecordArena {
    let arena = RecordArena()
    try arena.append(contentsOf: (first..<(first + count)).lazy.map(record))
    return arena
}

func contents(_ path: String) -> [UInt8]? {
    FileManager.default.contents(atPath: path).map { Array($0) }
}

/// A file written through a path is whole or absent: the target changes only when `finish()` succeeds.
@Suite("Arrow output to a path is whole or absent")
struct ArrowAtomicOutputTests {
    @Test("A writer dropped before finish() leaves the earlier file untouched and no temporary file", arguments: ArrowIPCFormat.allCases)
    func abandonedWriterKeepsTheEarlierFile(format: ArrowIPCFormat) throws {
        let folder = try ScratchFolder()
        let target = folder.file("out.arrow")
        _ = try ArrowWriter.export(try arena(100), toPath: target, format: format)
        let earlier = try #require(contents(target))
        do {
            var writer = try ArrowWriter(path: target, format: format, options: .init(batchSize: 16))
            try writer.write(try arena(1_000, first: 5_000))
            // Dropped here, as after a failure: no finish().
        }
        #expect(contents(target) == earlier)
        #expect(folder.names() == ["out.arrow"])
    }

    @Test("A writer dropped before finish() leaves no file where there was none")
    func abandonedWriterLeavesNothing() throws {
        let folder = try ScratchFolder()
        do {
            var writer = try ArrowWriter(path: folder.file("new.arrow"), options: .init(batchSize: 16))
            try writer.write(try arena(1_000))
        }
        #expect(folder.names() == [])
    }

    @Test("finish() replaces the earlier file with the whole new one")
    func finishReplaces() throws {
        let folder = try ScratchFolder()
        let target = folder.file("out.arrow")
        _ = try ArrowWriter.export(try arena(100), toPath: target)
        _ = try ArrowWriter.export(try arena(300, first: 7), toPath: target, options: .init(batchSize: 64))
        #expect(try ArrowInspector(file: target).records == Array(try arena(300, first: 7)))
        #expect(folder.names() == ["out.arrow"])
    }

    /// A file-size limit makes a write fail part-way (`EFBIG`), as a full disk does (`ENOSPC`).
    @Test("A write that fails part-way (a full disk) leaves the earlier file untouched and no temporary file")
    func failedWriteKeepsTheEarlierFile() async throws {
        let folder = try ScratchFolder()
        let target = folder.file("out.arrow")
        _ = try ArrowWriter.export(try arena(100), toPath: target)
        let earlier = try #require(contents(target))
        await #expect(processExitsWith: .success) { [target = target as String] in
            signal(SIGXFSZ, SIG_IGN)
            var limit = rlimit(rlim_cur: 200_000, rlim_max: 200_000)
            guard setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit) == 0 else { exit(3) }
            do {
                _ = try ArrowWriter.export(try arena(100_000, first: 1), toPath: target, options: .init(batchSize: 1_024))
                exit(4)  // the limit did not bite
            } catch let error as ArrowExportError {
                guard case let .writeFailed(_, code, _) = error, code == EFBIG else { exit(5) }
            }
        }
        #expect(contents(target) == earlier)
        #expect(folder.names() == ["out.arrow"])
    }

    /// Kills a child at each write, fsync and rename of an export (a write lands
    /// half its bytes first), from the first checkpoint to past the last one.
    /// The target must then be the earlier file until the rename and the whole
    /// new one after it, never a partial one.
    @Test(
        "An export killed at any checkpoint leaves the earlier file or the whole new one",
        .enabled(if: ArrowFaults.isAvailable, "the kill hook exists in debug builds only"),
        arguments: ArrowIPCFormat.allCases)
    func killedExport(format: ArrowIPCFormat) async throws {
        let folder = try ScratchFolder()
        let target = folder.file("out.arrow")
        let old = try arena(50), new = try arena(200, first: 1_000)
        _ = try ArrowWriter.export(old, toPath: target, format: format)
        let earlier = try #require(contents(target))
        // 200 records in batches of 32: 7 batch writes, the tail, fsync, rename, folder fsync = 11 checkpoints.
        let bound = 16
        var outcomes: [Bool] = []  // false: the earlier file; true: the new one
        for checkpoint in 1...bound {
            for name in folder.names() { try FileManager.default.removeItem(atPath: folder.file(name)) }
            try Data(earlier).write(to: URL(fileURLWithPath: target))
            await #expect(processExitsWith: .signal(SIGKILL)) { [target = target as String, checkpoint = checkpoint as Int, stream = (format == .stream) as Bool] in
                let records = try arena(200, first: 1_000)
                ArrowFaults.killAtCheckpoint(checkpoint)
                _ = try ArrowWriter.export(records, toPath: target, format: stream ? .stream : .file, options: .init(batchSize: 32))
                ArrowFaults.killAtCheckpoint(0)
                _ = raise(SIGKILL)
            }
            let now = try #require(contents(target), "the target vanished after a kill at checkpoint \(checkpoint)")
            if now == earlier {
                outcomes.append(false)
            } else {
                let inspected = format == .file ? try ArrowInspector(file: target) : try ArrowInspector(stream: now)
                #expect(inspected.records == Array(new), "a partial file after a kill at checkpoint \(checkpoint)")
                #expect(Array(now.suffix(format == .file ? 6 : 8)) == (format == .file ? Array("ARROW1".utf8) : [255, 255, 255, 255, 0, 0, 0, 0]))
                outcomes.append(true)
            }
        }
        let switchPoint = outcomes.firstIndex(of: true) ?? outcomes.count
        #expect(switchPoint >= 9, "the rename comes after every write and the fsync")
        #expect(outcomes[..<switchPoint].allSatisfy { !$0 } && outcomes[switchPoint...].allSatisfy { $0 })
        #expect(outcomes.last == true)
    }
}

/// The system-call layer's kill hook (`SystemFaults`), which exists in debug builds only.
enum ArrowFaults {
    static var isAvailable: Bool {
        #if DEBUG
        true
        #else
        false
        #endif
    }

    /// Makes the `n`th write, fsync or rename from now kill the process; 0 disarms.
    static func killAtCheckpoint(_ n: Int) {
        #if DEBUG
        SystemFaults.killAtCheckpoint(n)
        #endif
    }
}
