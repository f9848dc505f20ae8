import DenseRecordsCore
import DenseRecordsArrow
import DenseRecordsPipeline
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Foundation
import Testing

func fileBytes(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: path).map { Array($0) } }

/// Runs `source` into `sink`, failing on the batch after `failAfter` records when given.
func runInto(_ sink: some RecordSink, records: [SensorRecord], failAfter: Int? = nil) async -> PipelineOutcome {
    let stages: [NamedComponent<any RecordStage>] = failAfter.map { limit in
        [.init("refuse", ThrowingStage { $0.timestampNanoseconds >= record(limit).timestampNanoseconds })]
    } ?? []
    let pipeline = Pipeline(
        source: .init("memory", InMemoryRecordSource(records)), stages: stages, sinks: [.init("out", sink)], batchSize: 100)
    do {
        return try await pipeline.run().outcome
    } catch {
        return error.summary.outcome
    }
}

/// The kill hook of the system-call layer (`SystemFaults`), which exists in debug builds only.
enum PipelineFaults {
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

@Suite("File sinks are whole or absent")
struct OutputIntegrityTests {
    static let earlierRecords = (0..<20).map(record)
    static let records = (0..<1_000).map { record($0 + 5_000) }

    @Test("A failed run leaves the csv-writer's earlier file untouched and no temporary file")
    func failedCSVRunKeepsTheEarlierFile() async throws {
        let folder = try ScratchFolder()
        let target = folder.file("out.csv")
        #expect(await runInto(CSVRecordSink(path: target), records: Self.earlierRecords) == .completed)
        let earlier = try #require(fileBytes(target))
        let outcome = await runInto(CSVRecordSink(path: target), records: Self.records, failAfter: 5_500)
        #expect(!outcome.isCompleted)
        #expect(fileBytes(target) == earlier)
        #expect(folder.names() == ["out.csv"])
    }

    @Test("A failed run leaves no csv-writer file where there was none")
    func failedCSVRunLeavesNothing() async throws {
        let folder = try ScratchFolder()
        let outcome = await runInto(CSVRecordSink(path: folder.file("out.csv")), records: Self.records, failAfter: 5_500)
        #expect(!outcome.isCompleted)
        #expect(folder.names() == [])
    }

    @Test("A failed run leaves the arrow-writer's earlier file untouched and no temporary file", arguments: ArrowIPCFormat.allCases)
    func failedArrowRunKeepsTheEarlierFile(format: ArrowIPCFormat) async throws {
        let folder = try ScratchFolder()
        let target = folder.file("out.arrow")
        #expect(await runInto(ArrowRecordSink(path: target, format: format), records: Self.earlierRecords) == .completed)
        let earlier = try #require(fileBytes(target))
        let outcome = await runInto(
            ArrowRecordSink(path: target, format: format, options: .init(batchSize: 64)), records: Self.records, failAfter: 5_500)
        #expect(!outcome.isCompleted)
        #expect(fileBytes(target) == earlier)
        #expect(folder.names() == ["out.arrow"])
    }

    /// A stream on a descriptor cannot be taken back; it must then lack the end-of-stream marker.
    @Test("A failed run to a descriptor leaves the stream without its end-of-stream marker")
    func failedStreamHasNoEndMarker() async throws {
        let folder = try ScratchFolder()
        let path = folder.file("stream.arrows")
        for (failAfter, complete) in [(nil, true), (Optional(5_500), false)] {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            try #require(descriptor >= 0)
            let outcome = await runInto(
                ArrowRecordSink(fileDescriptor: descriptor, options: .init(batchSize: 64)), records: Self.records, failAfter: failAfter)
            close(descriptor)
            #expect(outcome.isCompleted == complete)
            let bytes = try #require(fileBytes(path))
            #expect((Array(bytes.suffix(8)) == [255, 255, 255, 255, 0, 0, 0, 0]) == complete, "failAfter \(String(describing: failAfter))")
        }
    }

    @Test("A completed run replaces the earlier csv-writer file")
    func completedCSVRunReplaces() async throws {
        let folder = try ScratchFolder()
        let target = folder.file("out.csv")
        #expect(await runInto(CSVRecordSink(path: target), records: Self.earlierRecords) == .completed)
        #expect(await runInto(CSVRecordSink(path: target), records: Self.records) == .completed)
        let text = try String(contentsOfFile: target, encoding: .utf8)
        #expect(text.split(separator: "\n").count == Self.records.count + 1)
        #expect(folder.names() == ["out.csv"])
    }

    /// Kills a child at each write, fsync and rename of a csv-writer run (a
    /// write lands half its bytes first). The target is then the earlier file
    /// until the rename and the whole new one after it, never a partial one.
    @Test(
        "A csv-writer run killed at any checkpoint leaves the earlier file or the whole new one",
        .enabled(if: PipelineFaults.isAvailable, "the kill hook exists in debug builds only"))
    func killedCSVRun() async throws {
        let folder = try ScratchFolder()
        let target = folder.file("out.csv")
        #expect(await runInto(CSVRecordSink(path: target), records: Self.earlierRecords) == .completed)
        let earlier = try #require(fileBytes(target))
        // About 50 KB of CSV in one buffer: one write, fsync, rename, folder fsync = 4 checkpoints.
        let bound = 8
        var outcomes: [Bool] = []
        for checkpoint in 1...bound {
            for name in folder.names() { try FileManager.default.removeItem(atPath: folder.file(name)) }
            try Data(earlier).write(to: URL(fileURLWithPath: target))
            await #expect(processExitsWith: .signal(SIGKILL)) { [target = target as String, checkpoint = checkpoint as Int] in
                PipelineFaults.killAtCheckpoint(checkpoint)
                _ = await runInto(CSVRecordSink(path: target), records: OutputIntegrityTests.records)
                PipelineFaults.killAtCheckpoint(0)
                _ = raise(SIGKILL)
            }
            let now = try #require(fileBytes(target), "the target vanished after a kill at checkpoint \(checkpoint)")
            if now == earlier {
                outcomes.append(false)
                continue
            }
            let lines = String(decoding: now, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == Self.records.count + 2 && lines.last == "", "a partial file after a kill at checkpoint \(checkpoint)")
            outcomes.append(true)
        }
        let switchPoint = outcomes.firstIndex(of: true) ?? outcomes.count
        #expect(switchPoint >= 2, "the rename comes after the write and the fsync")
        #expect(outcomes[..<switchPoint].allSatisfy { !$0 } && outcomes[switchPoint...].allSatisfy { $0 })
        #expect(outcomes.last == true)
    }

    /// Many small batches fill the CSV buffer several times, so a kill can land between flushes.
    @Test(
        "A csv-writer run of several flushes killed at any checkpoint leaves the earlier file or the whole new one",
        .enabled(if: PipelineFaults.isAvailable, "the kill hook exists in debug builds only"))
    func killedLargeCSVRun() async throws {
        let folder = try ScratchFolder()
        let target = folder.file("big.csv")
        #expect(await runInto(CSVRecordSink(path: target), records: Self.earlierRecords) == .completed)
        let earlier = try #require(fileBytes(target))
        let count = 60_000  // about 3 MB: three 1 MiB flushes and a last one
        var outcomes: [Bool] = []
        for checkpoint in 1...10 {
            for name in folder.names() { try FileManager.default.removeItem(atPath: folder.file(name)) }
            try Data(earlier).write(to: URL(fileURLWithPath: target))
            await #expect(processExitsWith: .signal(SIGKILL)) { [target = target as String, checkpoint = checkpoint as Int, count = count as Int] in
                let records = (0..<count).map(record)
                PipelineFaults.killAtCheckpoint(checkpoint)
                _ = await runInto(CSVRecordSink(path: target), records: records)
                PipelineFaults.killAtCheckpoint(0)
                _ = raise(SIGKILL)
            }
            let now = try #require(fileBytes(target))
            if now == earlier {
                outcomes.append(false)
                continue
            }
            #expect(now.last == UInt8(ascii: "\n") && now.filter { $0 == UInt8(ascii: "\n") }.count == count + 1)
            outcomes.append(true)
        }
        let switchPoint = outcomes.firstIndex(of: true) ?? outcomes.count
        #expect(switchPoint >= 5)
        #expect(outcomes[..<switchPoint].allSatisfy { !$0 } && outcomes[switchPoint...].allSatisfy { $0 })
        #expect(outcomes.last == true)
    }

    // MARK: Output that is the input

    @Test("A spec whose csv-writer names the csv-reader's file is refused at validation, naming both entries")
    func specWritingItsOwnInputIsRefused() throws {
        let folder = try ScratchFolder()
        let input = folder.file("x.csv")
        try "sensor_id,timestamp,value,unit\n1,2,3,celsius\n".write(toFile: input, atomically: false, encoding: .utf8)
        let before = fileBytes(input)
        // The same file under another spelling, so that only the device and inode say it is the same.
        let other = folder.path + "/./x.csv"
        let spec = """
            { "source": { "component": "csv-reader", "name": "in", "parameters": { "path": "\(input)" } },
              "sinks": [ { "component": "csv-writer", "name": "out", "parameters": { "path": "\(other)" } },
                         { "component": "arena" } ] }
            """
        let issues = PipelineBuilder().validate(Data(spec.utf8))
        #expect(issues.map(\.location) == ["sinks[0].parameters.path"])
        let message = try #require(issues.first?.message)
        #expect(message.contains("sink \"out\"") && message.contains("source \"in\"") && message.contains("source.parameters.path"), "\(message)")
        #expect(throws: PipelineSpecError.self) { try PipelineBuilder().build(Data(spec.utf8)) }
        #expect(fileBytes(input) == before)
    }

    @Test("A hard link to the input counts as the input")
    func hardLinkIsTheInput() throws {
        let folder = try ScratchFolder()
        let input = folder.file("x.csv"), link = folder.file("y.arrow")
        try "sensor_id,timestamp,value,unit\n".write(toFile: input, atomically: false, encoding: .utf8)
        try FileManager.default.linkItem(atPath: input, toPath: link)
        let spec = """
            { "source": { "component": "csv-reader", "parameters": { "path": "\(input)" } },
              "sinks": [ { "component": "arrow-writer", "parameters": { "path": "\(link)" } } ] }
            """
        #expect(PipelineBuilder().validate(Data(spec.utf8)).map(\.location) == ["sinks[0].parameters.path"])
    }
}
