import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsPipeline
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Foundation
import Testing

@Suite("Windowed aggregate")
struct PipelineWindowedAggregateTests {
    struct Key: Hashable {
        var sensor: UInt32
        var windowStart: Int64
        var statistic: String
    }

    /// The simple reference: group in input order, then compute each statistic.
    static func reference(_ records: [SensorRecord], windowNanoseconds: Int64) -> [Key: Double] {
        var groups: [Key: [Double]] = [:]
        for record in records {
            let start = Int64((Double(record.timestampNanoseconds) / Double(windowNanoseconds)).rounded(.down)) * windowNanoseconds
            groups[Key(sensor: record.sensorID, windowStart: start, statistic: ""), default: []].append(record.value)
        }
        var result: [Key: Double] = [:]
        for (key, values) in groups {
            var sum = 0.0
            for value in values { sum += value }
            result[Key(sensor: key.sensor, windowStart: key.windowStart, statistic: "mean")] = sum / Double(values.count)
            result[Key(sensor: key.sensor, windowStart: key.windowStart, statistic: "min")] = values.min()
            result[Key(sensor: key.sensor, windowStart: key.windowStart, statistic: "max")] = values.max()
        }
        return result
    }

    @Test(arguments: [(windowMs: 10_000, batchSize: 500), (windowMs: 1_000, batchSize: 37), (windowMs: 3_600_000, batchSize: 4_096)])
    func matchesTheReferenceComputation(windowMs: Int, batchSize: Int) async throws {
        let input = CollectingRecordSink()
        let first = Pipeline(
            source: .init("synthetic", SyntheticRecordSource(recordCount: 20_000, sensorCount: 7, seed: 11, gapProbability: 0.01)),
            sinks: [.init("collect", input)])
        _ = try await first.run()

        let output = CollectingRecordSink()
        let windowNanoseconds = Int64(windowMs) * 1_000_000
        let pipeline = Pipeline(
            source: .init("array", InMemoryRecordSource(input.records)),
            stages: [.init("aggregate", WindowedAggregateStage(windowNanoseconds: windowNanoseconds))],
            sinks: [.init("collect", output)], batchSize: batchSize)
        let summary = try await pipeline.run()
        #expect(summary.isBalanced)
        #expect(summary.absorbed == 20_000)
        #expect(summary.emitted == output.records.count)

        // Each window yields mean, min, max in that order, stamped with its start.
        #expect(output.records.count % 3 == 0)
        var actual: [Key: Double] = [:]
        for triple in stride(from: 0, to: output.records.count, by: 3) {
            let records = output.records[triple..<triple + 3]
            for (record, statistic) in zip(records, ["mean", "min", "max"]) {
                let key = Key(sensor: record.sensorID, windowStart: record.timestampNanoseconds, statistic: statistic)
                #expect(actual[key] == nil, "window \(key) emitted twice")
                actual[key] = record.value
            }
        }
        let expected = Self.reference(input.records, windowNanoseconds: windowNanoseconds)
        #expect(actual.count == expected.count)
        #expect(actual == expected)
    }

    @Test func windowStartRoundsDownForNegativeTimestamps() {
        let stage = WindowedAggregateStage(windowNanoseconds: 10)
        #expect(stage.windowStart(of: 25) == 20)
        #expect(stage.windowStart(of: -1) == -10)
        #expect(stage.windowStart(of: -10) == -10)
        #expect(stage.windowStart(of: 0) == 0)
    }

    @Test func selectedStatisticsOnlyAndUnitChangesCloseTheWindow() async throws {
        let records = [
            SensorRecord(sensorID: 1, timestampNanoseconds: 0, value: 1, unit: .celsius),
            SensorRecord(sensorID: 1, timestampNanoseconds: 1, value: 3, unit: .celsius),
            SensorRecord(sensorID: 1, timestampNanoseconds: 2, value: 10, unit: .volt),
        ]
        let output = CollectingRecordSink()
        let pipeline = Pipeline(
            source: .init("array", InMemoryRecordSource(records)),
            stages: [.init("aggregate", WindowedAggregateStage(windowNanoseconds: 100, statistics: [.max]))],
            sinks: [.init("collect", output)])
        _ = try await pipeline.run()
        #expect(output.records == [
            SensorRecord(sensorID: 1, timestampNanoseconds: 0, value: 3, unit: .celsius),
            SensorRecord(sensorID: 1, timestampNanoseconds: 0, value: 10, unit: .volt),
        ])
    }

    @Test("Window starts at the ends of the Int64 range do not overflow")
    func windowStartExtremes() {
        let stage = WindowedAggregateStage(windowNanoseconds: 60_000_000_000)
        #expect(stage.windowStart(of: .min) == .min)
        #expect(stage.windowStart(of: .min + 1) == .min)
        let last = stage.windowStart(of: .max)
        #expect(last <= .max && Int64.max - last < 60_000_000_000 && last % 60_000_000_000 == 0)
        #expect(stage.windowStart(of: -1) == -60_000_000_000)
        #expect(stage.windowStart(of: 0) == 0)
        #expect(stage.windowStart(of: 59_999_999_999) == 0)
    }
}
