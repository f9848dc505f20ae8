import DenseRecordsCore
import DenseRecordsPipeline
import DenseRecordsTestSupport
import Foundation
import Testing

@Suite("dense-records ingest and inspect", .serialized)
struct IngestCommandTests {
    @Test("ingest writes a snapshot that inspect --verify describes, and the snapshot source reads it back")
    func ingestThenInspect() async throws {
        let folder = try ScratchFolder()
        let csv = folder.file("in.csv"), snapshot = folder.file("out.drsnap")
        try csvText(1_000).write(toFile: csv, atomically: false, encoding: .utf8)
        let ingest = try runTool(["ingest", csv, "-o", snapshot])
        #expect(ingest.status == 0, "\(ingest.standardError)")
        #expect(ingest.standardOutput.contains("1000 records in 1 blocks"), "\(ingest.standardOutput)")
        let inspect = try runTool(["inspect", snapshot, "--verify"])
        #expect(inspect.status == 0, "\(inspect.standardError)")
        for expected in ["format version     2", "records            1000", "block 0: packed-rows",
                         "sensors 0...999", "time 1700000000000000000...1700000000000000999", "values 0.0...499.5",
                         "verify: ok"] {
            #expect(inspect.standardOutput.contains(expected), "missing \(expected) in \(inspect.standardOutput)")
        }
        let pipeline = try PipelineBuilder(registry: .builtIn).build(json: """
            {"source": {"component": "snapshot", "parameters": {"path": "\(snapshot)"}}, "sinks": [{"component": "arena"}]}
            """)
        #expect(try await pipeline.run().recordsOut == 1_000)
        #expect(folder.names() == ["in.csv", "out.drsnap"])
    }

    @Test("A malformed line stops ingest with status 1 and keeps the earlier output; --skip-malformed counts it")
    func malformedInput() throws {
        let folder = try ScratchFolder()
        let good = folder.file("good.csv"), bad = folder.file("bad.csv"), snapshot = folder.file("out.drsnap")
        try csvText(10).write(toFile: good, atomically: false, encoding: .utf8)
        try csvText(200_000, bad: 3).write(toFile: bad, atomically: false, encoding: .utf8)
        #expect(try runTool(["ingest", good, "-o", snapshot]).status == 0)
        let earlier = try #require(FileManager.default.contents(atPath: snapshot))
        let failed = try runTool(["ingest", bad, "-o", snapshot])
        #expect(failed.status == 1, "\(failed.standardError)")
        #expect(FileManager.default.contents(atPath: snapshot) == earlier)
        #expect(folder.names() == ["bad.csv", "good.csv", "out.drsnap"])
        let skipping = try runTool(["ingest", bad, "-o", snapshot, "--skip-malformed"])
        #expect(skipping.status == 0, "\(skipping.standardError)")
        #expect(skipping.standardOutput.contains("200000 records read, 3 lines skipped"), "\(skipping.standardOutput)")
        #expect(skipping.standardOutput.contains("200000 records in 3 blocks"), "\(skipping.standardOutput)")
    }

    @Test("Bad options are usage errors (64); an unreadable input exits 1; inspect of a missing or damaged file exits 1")
    func exitStatuses() throws {
        let folder = try ScratchFolder()
        let csv = folder.file("in.csv"), snapshot = folder.file("out.drsnap")
        try csvText(10).write(toFile: csv, atomically: false, encoding: .utf8)
        // ArgumentParser's usage status, EX_USAGE, as for every other command.
        #expect(try runTool(["ingest", csv]).status == 64)
        #expect(try runTool(["ingest", csv, "-o", "-"]).status == 64)
        #expect(try runTool(["ingest", csv, "-o", snapshot, "--delimiter", "x"]).status == 64)
        #expect(try runTool(["ingest", folder.file("missing.csv"), "-o", snapshot]).status == 1)
        #expect(try runTool(["inspect", folder.file("missing.drsnap")]).status == 1)
        #expect(try runTool(["ingest", csv, "-o", snapshot]).status == 0)
        var bytes = try #require(FileManager.default.contents(atPath: snapshot))
        bytes[8192 + 3] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: snapshot))
        #expect(try runTool(["inspect", snapshot]).status == 0, "opening reads no block")
        let verify = try runTool(["inspect", snapshot, "--verify"])
        #expect(verify.status == 1)
        #expect(verify.standardOutput.contains("verify: FAILED"), "\(verify.standardOutput)")
    }
}
