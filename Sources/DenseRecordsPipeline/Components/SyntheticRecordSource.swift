import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CDenseRecords

/// A deterministic source of realistic sensor readings, for trying pipelines and benchmarks.
///
/// Readings come in time order, one round of sensors per interval: every
/// sensor reports at a regular period, offset by a fixed per-sensor phase.
/// Each sensor has a unit (celsius, percent, pascal, volt or lux by sensor
/// number) and a value that drifts slowly as a bounded random walk around a
/// level typical for the unit, with a daily cycle, rounded to two decimals
/// as real sensors report. Now and then a sensor goes silent for 1–30
/// periods (`gapProbability` per reading), which leaves gaps in its series.
///
/// The same parameters always give the same records (SplitMix64 seeded by
/// `seed`). Per-sensor state is allocated in ``open()``.
///
/// `gapProbability` is below 1, so every sensor speaks again eventually,
/// and each ``nextBatch(into:)`` call visits a bounded number of readings,
/// so a run with many silences still returns to the runner, which can then
/// be cancelled. A timestamp beyond the `Int64` range stops the run with
/// ``SyntheticSourceError/timestampOutOfRange(recordsProduced:)``; timestamps never wrap.
public final class SyntheticRecordSource: RecordSource {
    /// The record counts the `synthetic` component and `dense-records generate` accept.
    public static let recordCountRange: ClosedRange<Int64> = 0...1_000_000_000_000
    /// The sensor counts the `synthetic` component and `dense-records generate` accept.
    public static let sensorCountRange: ClosedRange<Int64> = 1...1_000_000
    /// The periods, in milliseconds, the `synthetic` component and `dense-records generate` accept: up to a day.
    public static let intervalMillisecondsRange: ClosedRange<Int64> = 1...86_400_000
    /// The gap probabilities accepted: 1 would silence every sensor for ever.
    public static let gapProbabilityRange: Range<Double> = 0..<1

    /// The problems with parameters given as the `synthetic` component takes
    /// them, named as in a spec (`records`, `sensors`, `intervalMs`, `gapProbability`).
    ///
    /// Spec validation and `dense-records generate` use these bounds, so what
    /// they accept constructs and runs without trapping.
    ///
    /// - Parameters:
    ///   - records: Records to produce.
    ///   - sensors: Number of sensors.
    ///   - intervalMilliseconds: Each sensor's period in milliseconds.
    ///   - gapProbability: Per-reading chance of a silence.
    /// - Returns: One error per parameter out of its range, naming the range; empty when all fit.
    /// - Complexity: O(1).
    public static func parameterProblems(
        records: Int64, sensors: Int64, intervalMilliseconds: Int64, gapProbability: Double
    ) -> [ComponentParameterError] {
        var problems: [ComponentParameterError] = []
        func bound(_ name: String, _ value: Int64, _ range: ClosedRange<Int64>) {
            if !range.contains(value) {
                problems.append(ComponentParameterError(
                    parameter: name, message: "must be in \(range.lowerBound)...\(range.upperBound), found \(value)"))
            }
        }
        bound("records", records, recordCountRange)
        bound("sensors", sensors, sensorCountRange)
        bound("intervalMs", intervalMilliseconds, intervalMillisecondsRange)
        if !gapProbabilityRange.contains(gapProbability) {
            problems.append(ComponentParameterError(
                parameter: "gapProbability",
                message: "must be in \(gapProbabilityRange.lowerBound)..<\(gapProbabilityRange.upperBound), found \(gapProbability)"))
        }
        return problems
    }

    /// Records to produce in total.
    public let recordCount: Int
    /// Number of sensors.
    public let sensorCount: Int
    /// Seed of the generator.
    public let seed: UInt64
    /// Period of each sensor, in nanoseconds.
    public let intervalNanoseconds: Int64
    /// Timestamp of the first round.
    public let startNanoseconds: Int64
    /// Chance, per reading, that a sensor goes silent for a while.
    public let gapProbability: Double

    private var produced = 0
    private var round: Int64 = 0
    private var sensor = 0
    private var generator: SplitMix64
    private var levels: [Double] = []
    private var silentRounds: [Int32] = []
    private var outOfTimestamps = false

    private static let profiles: [(unit: SensorUnit, level: Double, spread: Double, step: Double, cycle: Double)] = [
        (.celsius, 21, 8, 0.02, 3),
        (.percent, 45, 25, 0.05, 10),
        (.pascal, 101_325, 1_500, 2, 150),
        (.volt, 230, 6, 0.01, 2),
        (.lux, 400, 350, 0.5, 300),
    ]

    /// Configures a source; nothing is allocated.
    ///
    /// - Parameters:
    ///   - recordCount: Records to produce; not negative.
    ///   - sensorCount: Sensors; at least 1.
    ///   - seed: Generator seed.
    ///   - intervalNanoseconds: Each sensor's period; at least 1.
    ///   - startNanoseconds: The first round's timestamp.
    ///   - gapProbability: Per-reading chance of a silence, in `0..<1`.
    /// - Precondition: `recordCount >= 0`, `sensorCount >= 1`,
    ///   `intervalNanoseconds >= 1` and `gapProbability` in `0..<1`; the
    ///   process traps with a message otherwise.
    /// - Complexity: O(1).
    public init(
        recordCount: Int, sensorCount: Int = 16, seed: UInt64 = 42, intervalNanoseconds: Int64 = 1_000_000_000,
        startNanoseconds: Int64 = 1_700_000_000_000_000_000, gapProbability: Double = 0.002
    ) {
        require(recordCount >= 0, "SyntheticRecordSource recordCount must not be negative, got \(recordCount)")
        require(sensorCount >= 1, "SyntheticRecordSource sensorCount must be at least 1, got \(sensorCount)")
        require(intervalNanoseconds >= 1, "SyntheticRecordSource intervalNanoseconds must be at least 1, got \(intervalNanoseconds)")
        require(
            Self.gapProbabilityRange.contains(gapProbability),
            "SyntheticRecordSource gapProbability must be in 0..<1 (1 would silence every sensor for ever), got \(gapProbability)")
        self.recordCount = recordCount
        self.sensorCount = sensorCount
        self.seed = seed
        self.intervalNanoseconds = intervalNanoseconds
        self.startNanoseconds = startNanoseconds
        self.gapProbability = gapProbability
        self.generator = SplitMix64(seed: seed)
    }

    /// Allocates per-sensor state and starts from the first record.
    ///
    /// - Complexity: O(*s*) in the number of sensors.
    public func open() async throws {
        generator = SplitMix64(seed: seed)
        levels = (0..<sensorCount).map { index in
            let profile = Self.profiles[index % Self.profiles.count]
            return profile.level + (generator.nextUnitInterval() - 0.5) * profile.spread
        }
        silentRounds = Array(repeating: 0, count: sensorCount)
        produced = 0
        outOfTimestamps = false
        round = 0
        sensor = 0
    }

    /// Appends the next readings.
    ///
    /// Visits at most four readings per record the batch holds, silent ones
    /// included, so a call may return a batch that is not full (even empty)
    /// while records remain.
    ///
    /// - Parameter batch: The batch to fill.
    /// - Returns: `false` once ``recordCount`` records were produced.
    /// - Throws: ``SyntheticSourceError/timestampOutOfRange(recordsProduced:)``
    ///   when the next timestamp does not fit in `Int64`, after the records
    ///   before it were returned.
    /// - Complexity: O(capacity of `batch`).
    public func nextBatch(into batch: inout RecordBatch) async throws -> Bool {
        guard produced < recordCount else { return false }
        if outOfTimestamps { throw SyntheticSourceError.timestampOutOfRange(recordsProduced: produced) }
        let phaseStep = intervalNanoseconds / Int64(sensorCount)
        let secondsPerDay = 86_400.0
        var visitsLeft = 4 * batch.capacity
        while !batch.isFull, produced < recordCount, visitsLeft > 0 {
            visitsLeft -= 1
            let index = sensor
            sensor += 1
            if sensor == sensorCount {
                sensor = 0
                round += 1
            }
            if silentRounds[index] > 0 {
                silentRounds[index] -= 1
                continue
            }
            if generator.nextUnitInterval() < gapProbability {
                silentRounds[index] = Int32(1 + generator.next() % 30)
                continue
            }
            let profile = Self.profiles[index % Self.profiles.count]
            // A bounded random walk: a small step, pulled back towards the profile's level.
            var level = levels[index] + (generator.nextUnitInterval() - 0.5) * 2 * profile.step
            level += (profile.level - level) * 0.0005
            levels[index] = level
            let (roundOffset, roundOverflow) = round.multipliedReportingOverflow(by: intervalNanoseconds)
            let (roundStart, startOverflow) = startNanoseconds.addingReportingOverflow(roundOffset)
            let (timestamp, phaseOverflow) = roundStart.addingReportingOverflow(Int64(index) &* phaseStep)
            if roundOverflow || startOverflow || phaseOverflow {
                outOfTimestamps = true
                if batch.isEmpty { throw SyntheticSourceError.timestampOutOfRange(recordsProduced: produced) }
                return true
            }
            let dayPhase = Double(timestamp % 86_400_000_000_000) / 1e9 / secondsPerDay
            let value = ((level + profile.cycle * sin(2 * Double.pi * dayPhase)) * 100).rounded() / 100
            batch.append(raw: sensor_record_t(sensor_id: UInt32(index + 1), timestamp_ns: timestamp, value: value, unit: profile.unit.rawValue))
            produced += 1
        }
        return true
    }
}

/// Why a ``SyntheticRecordSource`` stopped before producing all its records.
public enum SyntheticSourceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The next reading's timestamp (start + round × interval + phase) does not fit in `Int64` nanoseconds.
    case timestampOutOfRange(recordsProduced: Int)

    /// A sentence naming the limit and how far the source got.
    public var description: String {
        switch self {
        case let .timestampOutOfRange(produced):
            "the synthetic timestamps passed the largest Int64 nanosecond (year 2262) after \(produced) records; "
                + "use fewer records, more sensors, a shorter interval or an earlier start"
        }
    }
}
