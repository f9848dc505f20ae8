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
public final class SyntheticRecordSource: RecordSource {
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
    ///   - gapProbability: Per-reading chance of a silence, in `0...1`.
    public init(
        recordCount: Int, sensorCount: Int = 16, seed: UInt64 = 42, intervalNanoseconds: Int64 = 1_000_000_000,
        startNanoseconds: Int64 = 1_700_000_000_000_000_000, gapProbability: Double = 0.002
    ) {
        precondition(recordCount >= 0 && sensorCount >= 1 && intervalNanoseconds >= 1, "SyntheticRecordSource: invalid sizes")
        precondition((0...1).contains(gapProbability), "SyntheticRecordSource gapProbability must be in 0...1")
        self.recordCount = recordCount
        self.sensorCount = sensorCount
        self.seed = seed
        self.intervalNanoseconds = intervalNanoseconds
        self.startNanoseconds = startNanoseconds
        self.gapProbability = gapProbability
        self.generator = SplitMix64(seed: seed)
    }

    /// Allocates per-sensor state and starts from the first record.
    public func open() async throws {
        generator = SplitMix64(seed: seed)
        levels = (0..<sensorCount).map { index in
            let profile = Self.profiles[index % Self.profiles.count]
            return profile.level + (generator.nextUnitInterval() - 0.5) * profile.spread
        }
        silentRounds = Array(repeating: 0, count: sensorCount)
        produced = 0
        round = 0
        sensor = 0
    }

    /// Appends the next readings.
    ///
    /// - Parameter batch: The batch to fill.
    /// - Returns: `false` once ``recordCount`` records were produced.
    public func nextBatch(into batch: inout RecordBatch) async throws -> Bool {
        guard produced < recordCount else { return false }
        let phaseStep = intervalNanoseconds / Int64(sensorCount)
        let secondsPerDay = 86_400.0
        while !batch.isFull, produced < recordCount {
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
            let timestamp = startNanoseconds &+ round &* intervalNanoseconds &+ Int64(index) &* phaseStep
            let dayPhase = Double(timestamp % 86_400_000_000_000) / 1e9 / secondsPerDay
            let value = ((level + profile.cycle * sin(2 * Double.pi * dayPhase)) * 100).rounded() / 100
            batch.append(raw: sensor_record_t(sensor_id: UInt32(index + 1), timestamp_ns: timestamp, value: value, unit: profile.unit.rawValue))
            produced += 1
        }
        return true
    }
}
