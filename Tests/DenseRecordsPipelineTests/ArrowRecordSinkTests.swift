import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsPipeline
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Foundation
import Testing

@Suite("Arrow pipeline sink")
struct ArrowRecordSinkTests {
    @Test("A spec ending in arrow-writer produces an Arrow file with every record, in Arrow-sized batches")
    func pipelineToArrow() async throws {
        let arrowPath = temporaryArrowPath("pipeline")
        let csvPath = temporaryArrowPath("pipeline", extension: "csv")
        defer {
            try? FileManager.default.removeItem(atPath: arrowPath)
            try? FileManager.default.removeItem(atPath: csvPath)
        }
        let registry = ComponentRegistry.builtIn  // arrow-writer is built in
        let spec = """
            {
              "batchSize": 1000,
              "source": { "component": "synthetic", "parameters": { "records": 25000, "sensors": 7, "seed": 3 } },
              "sinks": [
                { "component": "arrow-writer", "name": "arrow", "parameters": { "path": "\(arrowPath)", "batchSize": 4096 } },
                { "component": "csv-writer", "name": "csv", "parameters": { "path": "\(csvPath)" } }
              ]
            }
            """
        let pipeline = try PipelineBuilder(registry: registry).build(Data(spec.utf8))
        let summary = try await pipeline.run()
        let sink = try #require(pipeline.sinks.first { $0.name == "arrow" }?.component as? ArrowRecordSink)
        let written = try #require(sink.summary)
        #expect(written.rowCount == summary.recordsOut)
        let file = try ArrowInspector(file: arrowPath)
        #expect(file.batchLengths.dropLast().allSatisfy { $0 == 4096 })
        #expect(file.batchLengths.reduce(0, +) == written.rowCount)

        // The CSV sink saw the same records in the same order.
        let arena = RecordArena()
        let source = CSVRecordSource(path: csvPath)
        try await source.open()
        var batch = RecordBatch(capacity: 4096)
        while try await source.nextBatch(into: &batch) {
            try batch.withUnsafeBufferPointer { (records) throws(RecordArenaError) in try arena.append(contentsOf: records) }
            batch.removeAll()
        }
        await source.close()
        #expect(file.records == Array(arena))
    }

    @Test("Bad parameters are reported when the spec is built, before any file is created")
    func badParameters() throws {
        let registry = ComponentRegistry.builtIn  // arrow-writer is built in
        let path = temporaryArrowPath("never")
        let spec = """
            { "source": { "component": "synthetic" },
              "sinks": [ { "component": "arrow-writer", "parameters": { "path": "\(path)", "batchSize": 0, "format": "parquet" } } ] }
            """
        let issues = PipelineBuilder(registry: registry).validate(Data(spec.utf8))
        #expect(issues.count == 2, "\(issues)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("Registering the sink twice under one name is refused")
    func duplicateRegistration() throws {
        var registry = ComponentRegistry()
        try registry.registerArrowWriter()
        #expect(throws: ComponentRegistrationError.duplicateName("arrow-writer")) { try registry.registerArrowWriter() }
    }
}
