import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
import CDenseRecords

/// A stage that replaces readings with per-sensor statistics over tumbling time windows, in any arrival order within an allowed lateness.
///
/// Windows are `window` long and aligned to the Unix epoch: a reading at
/// time *t* falls in the window starting at ⌊*t* / window⌋ × window. Each
/// sensor's windows are kept apart by unit too.
///
/// ## Order and lateness
///
/// Input need not be in time order. Each sensor has a *watermark*, the latest
/// timestamp seen for it, and any number of open windows. A window
/// [*s*, *s* + window) closes once the sensor's watermark reaches
/// *s* + window + ``allowedLatenessNanoseconds``; until then, readings for it
/// are folded in whatever order they arrive. A reading whose window has
/// already closed is *late*: it is rejected with the reason ``lateReason``
/// (`late reading`), counted in the summary, and never starts a second,
/// partial window. So with an allowed lateness at least as large as the
/// disorder of the input (how far a reading can trail the latest reading of
/// its sensor), every window comes out exactly once; with the default 0,
/// time-ordered input behaves as before and out-of-order readings that go
/// back to a closed window are rejected as late.
///
/// ## Output
///
/// A closed window emits one record per requested statistic, in the order
/// given, stamped with the window's start and carrying the sensor. ``Statistic/mean``,
/// ``Statistic/min`` and ``Statistic/max`` carry the readings' unit;
/// ``Statistic/count``, the number of readings the window aggregated, carries
/// the unit `count` (``SensorUnit/count``), so two outputs of the same window
/// can be merged by weighting with it. The default is mean, min, max, count.
/// Windows that close during a batch are emitted in order of sensor arrival,
/// and a sensor's windows in start order; windows still open when the input
/// ends are emitted by ``finish(into:report:)``, in sensor order, then start order.
///
/// Put a `validate` stage before this one: a NaN makes its window's mean NaN.
///
/// Every input record is counted as absorbed or rejected, and every output
/// record as emitted. Output that does not fit in the batch is held and drained.
public final class WindowedAggregateStage: RecordStage {
    /// A statistic the stage can emit.
    public enum Statistic: String, Hashable, Sendable, CaseIterable {
        /// The arithmetic mean.
        case mean
        /// The smallest value.
        case min
        /// The largest value.
        case max
        /// The number of readings in the window, emitted with the unit `count`.
        case count
    }

    /// The rejection reason of a reading whose window had closed: `late reading`.
    public static let lateReason = "late reading"

    /// The window length in nanoseconds.
    public let windowNanoseconds: Int64
    /// How long after a window's end, by the sensor's latest timestamp, the window stays open.
    public let allowedLatenessNanoseconds: Int64
    /// The statistics emitted per window, in order.
    public let statistics: [Statistic]

    private struct Window {
        var start: Int64
        var unit: UInt8
        var count: Int
        var sum: Double
        var minimum: Double
        var maximum: Double
    }

    /// One sensor's open windows, sorted by start then unit, and its latest timestamp.
    private struct SensorWindows {
        var watermark: Int64
        var windows: [Window]
    }

    private var open: [UInt32: SensorWindows] = [:]
    private var pending: [sensor_record_t] = []
    private var pendingHead = 0

    /// Creates the stage.
    ///
    /// - Parameters:
    ///   - windowNanoseconds: The window length; at least 1.
    ///   - allowedLatenessNanoseconds: How far past a window's end a sensor's
    ///     latest timestamp may go before the window closes; at least 0.
    ///   - statistics: The statistics to emit per window, in order; not empty, none repeated.
    /// - Precondition: `windowNanoseconds >= 1`, `allowedLatenessNanoseconds >= 0`,
    ///   and `statistics` is not empty and names each statistic at most once (a
    ///   repeat would emit the same record twice per window); the process traps
    ///   with a message otherwise.
    /// - Complexity: O(*s*) in the number of statistics.
    public init(
        windowNanoseconds: Int64, allowedLatenessNanoseconds: Int64 = 0, statistics: [Statistic] = Statistic.allCases
    ) {
        require(windowNanoseconds >= 1, "WindowedAggregateStage window must be at least 1 ns, got \(windowNanoseconds)")
        require(
            allowedLatenessNanoseconds >= 0,
            "WindowedAggregateStage allowed lateness must not be negative, got \(allowedLatenessNanoseconds)")
        require(!statistics.isEmpty, "WindowedAggregateStage needs at least one statistic")
        require(
            Set(statistics).count == statistics.count,
            "WindowedAggregateStage statistics must not repeat, got \(statistics.map(\.rawValue))")
        self.windowNanoseconds = windowNanoseconds
        self.allowedLatenessNanoseconds = allowedLatenessNanoseconds
        self.statistics = statistics
    }

    /// The start of the window that holds `timestamp`.
    ///
    /// - Parameter timestamp: Nanoseconds since the epoch.
    /// - Returns: The window's start, rounding towards negative infinity. The
    ///   earliest window, whose aligned start would lie before `Int64.min`, starts
    ///   at `Int64.min`.
    public func windowStart(of timestamp: Int64) -> Int64 {
        let (quotient, remainder) = timestamp.quotientAndRemainder(dividingBy: windowNanoseconds)
        let (start, overflow) = (remainder < 0 ? quotient - 1 : quotient).multipliedReportingOverflow(by: windowNanoseconds)
        return overflow ? .min : start
    }

    /// The earliest window start still open for a sensor whose latest timestamp is `watermark`.
    ///
    /// A window [*s*, *s* + window) is closed when *s* + window + lateness ≤ watermark,
    /// which for an aligned *s* is *s* < windowStart(watermark − lateness).
    private func earliestOpenStart(watermark: Int64) -> Int64 {
        let (reference, overflow) = watermark.subtractingReportingOverflow(allowedLatenessNanoseconds)
        return overflow ? .min : windowStart(of: reference)
    }

    /// Folds the batch into the open windows and replaces it with the records of the windows it closed.
    ///
    /// - Parameters:
    ///   - batch: The input; on return, closed windows' records (as many as fit).
    ///   - report: Every input is absorbed, or rejected as ``lateReason``; every output emitted.
    /// - Returns: ``StageProgress/moreOutputPending`` when closed windows did not all fit.
    /// - Complexity: O(*n* × *w*) where *w* is the number of windows a sensor has
    ///   open (1 or 2 for ordered input, more with a long lateness); allocates
    ///   only for sensors and windows not seen before.
    public func process(_ batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress {
        var late = 0
        batch.withUnsafeBufferPointer { records in
            for record in records {
                let start = windowStart(of: record.timestamp_ns)
                var sensor = open.removeValue(forKey: record.sensor_id) ?? SensorWindows(watermark: .min, windows: [])
                defer { open[record.sensor_id] = sensor }
                // A new sensor's watermark is Int64.min, so nothing is late for it.
                if start < earliestOpenStart(watermark: sensor.watermark) {
                    late += 1
                    continue
                }
                fold(record, start: start, into: &sensor.windows)
                if record.timestamp_ns > sensor.watermark {
                    sensor.watermark = record.timestamp_ns
                    let openFrom = earliestOpenStart(watermark: sensor.watermark)
                    var closed = 0
                    while closed < sensor.windows.count, sensor.windows[closed].start < openFrom {
                        emit(sensor.windows[closed], sensor: record.sensor_id)
                        closed += 1
                    }
                    if closed > 0 { sensor.windows.removeFirst(closed) }
                }
            }
        }
        report.absorb(batch.count - late)
        report.reject(late, reason: Self.lateReason)
        batch.removeAll()
        return drainPending(into: &batch, report: &report)
    }

    /// Adds one reading to its window, opening the window in start and unit order if need be.
    private func fold(_ record: sensor_record_t, start: Int64, into windows: inout [Window]) {
        let value = record.value
        // Usually the last window; a short backwards scan otherwise.
        var index = windows.count
        while index > 0 {
            let window = windows[index - 1]
            if window.start == start, window.unit == record.unit {
                windows[index - 1].count += 1
                windows[index - 1].sum += value
                windows[index - 1].minimum = Swift.min(window.minimum, value)
                windows[index - 1].maximum = Swift.max(window.maximum, value)
                return
            }
            if window.start < start || (window.start == start && window.unit < record.unit) { break }
            index -= 1
        }
        windows.insert(Window(start: start, unit: record.unit, count: 1, sum: value, minimum: value, maximum: value), at: index)
    }

    /// Writes held output.
    ///
    /// - Parameters:
    ///   - batch: An empty batch.
    ///   - report: Each record written is emitted.
    /// - Returns: Whether output is still held.
    public func drain(into batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress {
        drainPending(into: &batch, report: &report)
    }

    /// Closes every open window, in sensor order and then start order, and writes the output.
    ///
    /// - Parameters:
    ///   - batch: An empty batch.
    ///   - report: Each record written is emitted.
    /// - Returns: Whether output is still held.
    public func finish(into batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress {
        for sensor in open.keys.sorted() {
            for window in open[sensor]?.windows ?? [] { emit(window, sensor: sensor) }
        }
        open.removeAll()
        return drainPending(into: &batch, report: &report)
    }

    private func emit(_ window: Window, sensor: UInt32) {
        for statistic in statistics {
            switch statistic {
            case .mean:
                pending.append(sensor_record_t(
                    sensor_id: sensor, timestamp_ns: window.start, value: window.sum / Double(window.count), unit: window.unit))
            case .min:
                pending.append(sensor_record_t(sensor_id: sensor, timestamp_ns: window.start, value: window.minimum, unit: window.unit))
            case .max:
                pending.append(sensor_record_t(sensor_id: sensor, timestamp_ns: window.start, value: window.maximum, unit: window.unit))
            case .count:
                pending.append(sensor_record_t(
                    sensor_id: sensor, timestamp_ns: window.start, value: Double(window.count), unit: SensorUnit.count.rawValue))
            }
        }
    }

    private func drainPending(into batch: inout RecordBatch, report: inout StageReport) -> StageProgress {
        let available = pending.count - pendingHead
        let written = pending.withUnsafeBufferPointer { records in
            batch.append(contentsOf: UnsafeBufferPointer(rebasing: records[pendingHead..<pending.count]))
        }
        pendingHead += written
        report.emit(written)
        if pendingHead == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingHead = 0
            return .done
        }
        return written < available ? .moreOutputPending : .done
    }
}
