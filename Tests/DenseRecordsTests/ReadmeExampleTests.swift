import DenseRecords
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Foundation
import Metrics
import MetricsTestKit
import Testing

// The README's code, line for line where it can be, so that what the README
// shows compiles and does what it says.

private final class ParseStage: AuditedComponent {
    let auditContext: AuditContext
    @Audited(metric: .counter, .nonNegative) var errorCount = 0
    @Audited(metric: .gauge, .finite, .nonNegative) var meanLatencyMs = 0.0
    init(log: ChangeLog) { auditContext = AuditContext(log: log, componentName: "parse") }
}

@Suite("README examples")
struct ReadmeExampleTests {
    @Test("Using it from your package")
    func usage() throws {
        let arena = RecordArena(byteLimit: 512 << 20)
        try arena.reserveCapacity(1_000_000)
        for i in 0..<1_000_000 {
            try arena.append(SensorRecord(sensorID: UInt32(i % 500), timestampNanoseconds: 1_700_000_000_000_000_000 + Int64(i),
                                          value: 20 + Double(i % 100) / 10, unit: .celsius))
        }
        #expect(arena.statistics.recordCount == 1_000_000)
        let shared = arena.seal()
        let mean = shared.sumOfValues() / Double(shared.count)
        #expect(abs(mean - 24.95) < 1e-9)
        var chunks = 0
        shared.forEachChunk { _ in chunks += 1 }
        #expect(chunks == 11)
    }

    @Test("Audited stage metrics")
    func auditedMetrics() throws {
        let log = ChangeLog(capacity: 4_096)
        let stage = ParseStage(log: log)
        stage.errorCount += 1
        stage.meanLatencyMs = -3
        try stage.$meanLatencyMs.set(2.5)
        #expect(stage.errorCount == 1 && stage.meanLatencyMs == 2.5)
        #expect(log.statistics.recordedCount == 3 && log.statistics.rejectedCount == 1)
        #expect(log.jsonLines().split(separator: "\n").count == 3)
        let metrics = TestMetrics()
        let subscription = try log.reportMetrics(to: metrics)
        stage.errorCount += 2
        #expect(try metrics.expectCounter("dense_records_error_count_total", [("component", "parse"), ("attribute", "errorCount")]).totalValue == 2)
        _ = subscription
    }

    @Test("Durable snapshots")
    func snapshots() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/readings.drsnap"
        let arena = RecordArena()
        for i in 0..<1_000 { try arena.append(record(i)) }
        let moreRecords = RecordArena()
        for i in 1_000..<1_500 { try moreRecords.append(record(i)) }

        try arena.writeSnapshot(to: path)
        let view = try MappedSnapshot(contentsOf: path)
        try view.verify()
        let restored = try RecordArena(contentsOfSnapshot: path)
        try moreRecords.appendSnapshot(to: path)
        #expect(Array(view) == Array(arena) && Array(restored) == Array(arena))
        #expect(Array(try MappedSnapshot(contentsOf: path)) == (0..<1_500).map(record))
    }
}
