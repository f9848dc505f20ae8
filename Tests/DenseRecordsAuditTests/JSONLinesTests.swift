import DenseRecordsAudit
import DenseRecordsArena
import DenseRecordsTestSupport
import Foundation
import Testing

@Suite("ChangeLog JSON Lines")
struct JSONLinesTests {
    struct Line: Decodable {
        var sequence: UInt64
        var wall_clock_ns: Int64
        var monotonic_ns: UInt64
        var component: String
        var attribute: String
        var value_type: String
        var outcome: String
        var metric: String
        var reason: String?
    }

    @Test("The export parses back line by line, with names, values and outcomes")
    func parsesBack() throws {
        let log = ChangeLog(capacity: 64)
        let stage = MonitoredPipelineStage(name: "parse \"main\"\n", log: log)
        stage.recordBatch(records: 12, latency: .microseconds(1_250))
        stage.errorCount = -3
        stage.meanLatencyMs = .infinity
        stage.meanLatencyMs = 1e-7

        let text = log.jsonLines()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        try #require(lines.count == 6)
        #expect(lines.last == "")
        let events = log.snapshot()

        let decoder = JSONDecoder()
        for (line, event) in zip(lines.dropLast(), events) {
            let decoded = try decoder.decode(Line.self, from: Data(line.utf8))
            #expect(decoded.sequence == event.sequence)
            #expect(decoded.wall_clock_ns == event.wallClockNanoseconds)
            #expect(decoded.monotonic_ns == event.monotonicNanoseconds)
            #expect(decoded.component == "parse \"main\"\n")
            #expect(decoded.outcome == (event.outcome.isRejected ? "rejected" : "accepted"))
        }

        let objects = try lines.dropLast().map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        #expect(objects[0]["attribute"] as? String == "recordsProcessed")
        #expect(objects[0]["new"] as? Int == 12)
        #expect(objects[0]["metric"] as? String == "counter")
        #expect(objects[1]["attribute"] as? String == "meanLatencyMs")
        #expect(objects[1]["new"] as? Double == 1.25)
        #expect(objects[1]["value_type"] as? String == "floating_point")
        #expect(objects[2]["outcome"] as? String == "rejected")
        #expect(objects[2]["reason"] as? String == "below_minimum")
        #expect(objects[2]["limit"] as? Int == 0)
        #expect(objects[2]["new"] as? Int == -3)
        #expect(objects[3]["new"] as? String == "Infinity")
        #expect(objects[3]["reason"] as? String == "not_finite")
        #expect(objects[4]["new"] as? Double == 1e-7)
        #expect(objects[4]["old"] as? Double == 1.25)
    }
}
