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
            let (quotient, remainder) = record.timestampNanoseconds.quotientAndRemainder(dividingBy: windowNanoseconds)
            let start = (remainder < 0 ? quotient - 1 : quotient) * windowNanoseconds
            groups[Key(sensor: record.sensorID, windowStart: start, statistic: ""), default: []].append(record.value)
        }
        var result: [Key: Double] = [:]
        for (key, values) in groups {
            var sum = 0.0
            for value in values { sum += value }
            result[Key(sensor: key.sensor, windowStart: key.windowStart, statistic: "mean")] = sum / Double(values.count)
            result[Key(sensor: key.sensor, windowStart: key.windowStart, statistic: "min")] = values.min()
            result[Key(sensor: key.sensor, windowStart: key.windowStart, statistic: "max")] = values.max()
            result[Key(sensor: key.sensor, windowStart: key.windowStart, statistic: "count")] = Double(values.count)
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

        // Each window yields mean, min, max, count in that order, stamped with its start; count has the unit count.
        #expect(output.records.count % 4 == 0)
        var actual: [Key: Double] = [:]
        for group in stride(from: 0, to: output.records.count, by: 4) {
            let records = output.records[group..<group + 4]
            #expect(records.last?.unit == .count)
            for (record, statistic) in zip(records, ["mean", "min", "max", "count"]) {
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

    // MARK: Unordered input and allowed lateness

    /// A deterministic generator for the shuffles (SplitMix64).
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1330_11EB
            return z ^ (z >> 31)
        }
    }

    /// The model of the lateness rule: which records are late, by the definition in the stage's documentation.
    static func lateFlags(_ records: [SensorRecord], windowNanoseconds: Int64, latenessNanoseconds: Int64) -> [Bool] {
        func start(_ t: Int64) -> Int64 {
            let (quotient, remainder) = t.quotientAndRemainder(dividingBy: windowNanoseconds)
            return (remainder < 0 ? quotient - 1 : quotient) * windowNanoseconds
        }
        var watermark: [UInt32: Int64] = [:]
        return records.map { record in
            let t = record.timestampNanoseconds
            if let mark = watermark[record.sensorID], start(t) + windowNanoseconds + latenessNanoseconds <= mark { return true }
            watermark[record.sensorID] = max(watermark[record.sensorID] ?? .min, t)
            return false
        }
    }

    /// Runs the stage over `records` and collects its windows, checking that none comes out twice.
    static func aggregate(
        _ records: [SensorRecord], windowNanoseconds: Int64, latenessNanoseconds: Int64, batchSize: Int = 300
    ) async throws -> (windows: [Key: Double], summary: PipelineSummary) {
        let output = CollectingRecordSink()
        let pipeline = Pipeline(
            source: .init("array", InMemoryRecordSource(records)),
            stages: [.init("aggregate", WindowedAggregateStage(
                windowNanoseconds: windowNanoseconds, allowedLatenessNanoseconds: latenessNanoseconds))],
            sinks: [.init("collect", output)], batchSize: batchSize)
        let summary = try await pipeline.run()
        var windows: [Key: Double] = [:]
        for group in stride(from: 0, to: output.records.count, by: 4) {
            for (record, statistic) in zip(output.records[group..<group + 4], ["mean", "min", "max", "count"]) {
                let key = Key(sensor: record.sensorID, windowStart: record.timestampNanoseconds, statistic: statistic)
                #expect(windows[key] == nil, "window \(key) emitted twice")
                windows[key] = record.value
            }
        }
        return (windows, summary)
    }

    /// Hourly readings of `sensors` sensors over `days` days, in time order, each reading displaced in arrival by up to `disorderHours`.
    static func hourlyReadings(sensors: Int, days: Int, disorderHours: Double, seed: UInt64) -> [SensorRecord] {
        var generator = SplitMix(state: seed)
        let hour: Int64 = 3_600_000_000_000
        var keyed: [(arrival: Double, record: SensorRecord)] = []
        for h in 0..<(days * 24) {
            for sensor in 0..<sensors {
                let record = SensorRecord(
                    sensorID: UInt32(sensor), timestampNanoseconds: 1_700_006_400_000_000_000 + Int64(h) * hour,
                    value: Double(h % 97) + Double(sensor) / 8, unit: .celsius)
                keyed.append((Double(h) + Double.random(in: 0..<1, using: &generator) * disorderHours, record))
            }
        }
        return keyed.sorted { $0.arrival < $1.arrival }.map(\.record)
    }

    @Test("Sensor-days arriving out of order within the allowed lateness come out as one window each")
    func unorderedWithinLatenessGivesOneWindowEach() async throws {
        let day: Int64 = 86_400_000_000_000
        let records = Self.hourlyReadings(sensors: 9, days: 12, disorderHours: 3, seed: 84)
        // The input really is out of order per sensor, across day boundaries too.
        var regressions = 0
        var last: [UInt32: Int64] = [:]
        for record in records {
            if let previous = last[record.sensorID], record.timestampNanoseconds < previous { regressions += 1 }
            last[record.sensorID] = max(last[record.sensorID] ?? .min, record.timestampNanoseconds)
        }
        #expect(regressions > 0)

        let (windows, summary) = try await Self.aggregate(records, windowNanoseconds: day, latenessNanoseconds: 4 * 3_600_000_000_000)
        #expect(summary.isBalanced)
        #expect(summary.rejected.total == 0)
        #expect(windows == Self.reference(records, windowNanoseconds: day))
        #expect(windows.count == 9 * 12 * 4)
        #expect(windows.filter { $0.key.statistic == "count" }.values.allSatisfy { $0 == 24 })
    }

    @Test("Without enough lateness, readings whose window closed are rejected as late, counted, and never split a window")
    func lateReadingsAreRejectedNotSplit() async throws {
        let day: Int64 = 86_400_000_000_000
        let records = Self.hourlyReadings(sensors: 9, days: 12, disorderHours: 3, seed: 85)
        for lateness: Int64 in [0, 3_600_000_000_000] {
            let late = Self.lateFlags(records, windowNanoseconds: day, latenessNanoseconds: lateness)
            let expectedLate = late.filter { $0 }.count
            #expect(expectedLate > 0, "the input should have late readings at lateness \(lateness)")
            let (windows, summary) = try await Self.aggregate(records, windowNanoseconds: day, latenessNanoseconds: lateness)
            #expect(summary.isBalanced)
            #expect(summary.rejected[WindowedAggregateStage.lateReason] == expectedLate)
            #expect(summary.rejected.total == expectedLate)
            #expect(summary.absorbed == records.count - expectedLate)
            let accepted = zip(records, late).filter { !$0.1 }.map(\.0)
            #expect(windows == Self.reference(accepted, windowNanoseconds: day))
        }
    }

    @Test("Model check: random disorder, windows, lateness and batch sizes", arguments: [1, 2, 3, 4, 5, 6])
    func randomDisorderMatchesTheModel(seed: UInt64) async throws {
        var generator = SplitMix(state: seed)
        let window = Int64.random(in: 1...50, using: &generator)
        let lateness = Int64.random(in: 0...40, using: &generator)
        let count = Int.random(in: 0...2_000, using: &generator)
        var clock: [UInt32: Int64] = [:]
        let records = (0..<count).map { _ in
            let sensor = UInt32.random(in: 0..<5, using: &generator)
            // Mostly forward, sometimes back by up to 60 ns, sometimes a jump.
            let step = Int64.random(in: -60...20, using: &generator)
            let t = (clock[sensor] ?? -100) + step
            clock[sensor] = max(clock[sensor] ?? -100, t)
            return SensorRecord(
                sensorID: sensor, timestampNanoseconds: t, value: Double(Int.random(in: -50...50, using: &generator)), unit: .celsius)
        }
        let late = Self.lateFlags(records, windowNanoseconds: window, latenessNanoseconds: lateness)
        let (windows, summary) = try await Self.aggregate(
            records, windowNanoseconds: window, latenessNanoseconds: lateness, batchSize: Int.random(in: 1...64, using: &generator))
        #expect(summary.isBalanced)
        #expect(summary.rejected[WindowedAggregateStage.lateReason] == late.filter { $0 }.count)
        let accepted = zip(records, late).filter { !$0.1 }.map(\.0)
        #expect(windows == Self.reference(accepted, windowNanoseconds: window))
    }
}
