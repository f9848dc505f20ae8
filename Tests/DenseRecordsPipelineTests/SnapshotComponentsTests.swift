import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsPipeline
import DenseRecordsTestSupport
import Foundation
import Testing

@Suite("snapshot and snapshot-writer components")
struct SnapshotComponentsTests {
    let builder = PipelineBuilder(registry: .builtIn)

    /// Runs `json` and returns what its one arena sink holds.
    func arenaRecords(_ json: String) async throws -> [SensorRecord] {
        let pipeline = try builder.build(json: json)
        _ = try await pipeline.run()
        let sink = try #require(pipeline.sinks.first?.component as? RecordArenaSink)
        return Array(try #require(sink.arena))
    }

    @Test("Synthetic records through snapshot-writer, then back through snapshot, equal the synthetic records")
    func roundTrip() async throws {
        let folder = try ScratchFolder()
        let path = folder.file("stored.drsnap")
        // More than one arena chunk, so the snapshot has several blocks and the source crosses them.
        let source = #"{"component": "synthetic", "parameters": {"records": 250000, "sensors": 7, "seed": 3}}"#
        let summary = try await builder.build(json: """
            {"source": \(source), "sinks": [{"component": "snapshot-writer", "parameters": {"path": "\(path)"}}]}
            """).run()
        #expect(summary.recordsOut == 250_000 && summary.isBalanced)
        let expected = try await arenaRecords(#"{"source": \#(source), "sinks": [{"component": "arena"}]}"#)
        let read = try await arenaRecords("""
            {"source": {"component": "snapshot", "parameters": {"path": "\(path)"}}, "sinks": [{"component": "arena"}]}
            """)
        #expect(read.count == expected.count)
        #expect(read == expected)
        #expect(folder.names() == ["stored.drsnap"])
    }

    @Test("A spec without a path, or with an empty one, is refused with the parameter named")
    func specValidation() {
        for component in ["snapshot", "snapshot-writer"] {
            let entry = #"{"component": "\#(component)"}"#
            let empty = #"{"component": "\#(component)", "parameters": {"path": ""}}"#
            for bad in [entry, empty] {
                let json = component == "snapshot"
                    ? #"{"source": \#(bad), "sinks": [{"component": "arena"}]}"#
                    : #"{"source": {"component": "synthetic"}, "sinks": [\#(bad)]}"#
                let issues = builder.validate(json: json)
                #expect(issues.count == 1, "\(json): \(issues)")
                #expect(issues.first?.description.contains("path") == true, "\(issues)")
            }
        }
    }

    @Test("A run that fails leaves the earlier snapshot as it was and no temporary file")
    func failedRunKeepsTheTarget() async throws {
        let folder = try ScratchFolder()
        let path = folder.file("stored.drsnap"), csv = folder.file("in.csv")
        _ = try await builder.build(json: """
            {"source": {"component": "synthetic", "parameters": {"records": 10}},
             "sinks": [{"component": "snapshot-writer", "parameters": {"path": "\(path)"}}]}
            """).run()
        let earlier = try #require(FileManager.default.contents(atPath: path))
        try "sensor_id,timestamp,value,unit\n1,1,1.5,celsius\n2,2,oops,celsius\n".write(toFile: csv, atomically: false, encoding: .utf8)
        let pipeline = try builder.build(json: """
            {"source": {"component": "csv-reader", "parameters": {"path": "\(csv)"}},
             "sinks": [{"component": "snapshot-writer", "parameters": {"path": "\(path)"}}]}
            """)
        await #expect(throws: PipelineRunError.self) { try await pipeline.run() }
        #expect(FileManager.default.contents(atPath: path) == earlier)
        #expect(folder.names() == ["in.csv", "stored.drsnap"])
    }

    @Test("A damaged block stops the snapshot source before its records flow")
    func damagedSource() async throws {
        let folder = try ScratchFolder()
        let path = folder.file("stored.drsnap")
        _ = try await builder.build(json: """
            {"source": {"component": "synthetic", "parameters": {"records": 100}},
             "sinks": [{"component": "snapshot-writer", "parameters": {"path": "\(path)"}}]}
            """).run()
        var bytes = try #require(FileManager.default.contents(atPath: path))
        bytes[8192 + 50] ^= 0x01  // inside block 0's records
        try bytes.write(to: URL(fileURLWithPath: path))
        let pipeline = try builder.build(json: """
            {"source": {"component": "snapshot", "parameters": {"path": "\(path)"}}, "sinks": [{"component": "arena"}]}
            """)
        let error = await #expect(throws: PipelineRunError.self) { try await pipeline.run() }
        guard case let .sourceFailed(message)? = error?.summary.outcome else {
            Issue.record("outcome \(String(describing: error?.summary.outcome))")
            return
        }
        #expect(message.contains("CRC32C"), "\(message)")
        #expect(error?.summary.recordsOut == 0)
    }
}
