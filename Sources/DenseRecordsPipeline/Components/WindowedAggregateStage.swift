import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
import CDenseRecords

/// A stage that replaces readings with per-sensor mean, minimum and maximum over tumbling time windows.
///
/// Windows are `window` long and aligned to the Unix epoch: a reading at
/// time *t* falls in the window starting at ⌊*t* / window⌋ × window. Each
/// sensor has at most one open window. A reading for a different window (or
/// a different unit) closes the sensor's open window, which emits one record
/// per requested statistic, in the order given, stamped with the window's
/// start, carrying the sensor and unit. Windows still open when the input
/// ends are emitted by ``finish(into:report:)``, in sensor order.
///
/// Readings should arrive in time order per sensor, as they do from the
/// built-in sources; a reading that goes back to an earlier window starts a
/// new (partial) window rather than reopening the old one. Put a `validate`
/// stage before this one: a NaN makes its window's mean NaN.
///
/// Every input record is counted as absorbed and every output record as
/// emitted. Output that does not fit in the batch is held and drained, so the
/// held output never exceeds three records per input record of one batch, or
/// per sensor at the end.
public final class WindowedAggregateStage: RecordStage {
    /// A statistic the stage can emit.
    public enum Statistic: String, Hashable, Sendable, CaseIterable {
        /// The arithmetic mean.
        case mean
        /// The smallest value.
        case min
        /// The largest value.
        case max
    }

    /// The window length in nanoseconds.
    public let windowNanoseconds: Int64
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

    private var open: [UInt32: Window] = [:]
    private var pending: [sensor_record_t] = []
    private var pendingHead = 0

    /// Creates the stage.
    ///
    /// - Parameters:
    ///   - windowNanoseconds: The window length; at least 1.
    ///   - statistics: The statistics to emit per window, in order; not empty, none repeated.
    /// - Precondition: `windowNanoseconds >= 1`, and `statistics` is not
    ///   empty and names each statistic at most once (a repeat would emit the
    ///   same record twice per window); the process traps with a message otherwise.
    /// - Complexity: O(*s*) in the number of statistics.
    public init(windowNanoseconds: Int64, statistics: [Statistic] = Statistic.allCases) {
        require(windowNanoseconds >= 1, "WindowedAggregateStage window must be at least 1 ns, got \(windowNanoseconds)")
        require(!statistics.isEmpty, "WindowedAggregateStage needs at least one statistic")
        require(
            Set(statistics).count == statistics.count,
            "WindowedAggregateStage statistics must not repeat, got \(statistics.map(\.rawValue))")
        self.windowNanoseconds = windowNanoseconds
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

    /// Folds the batch into the open windows and replaces it with the records of the windows it closed.
    ///
    /// - Parameters:
    ///   - batch: The input; on return, closed windows' records (as many as fit).
    ///   - report: Every input is absorbed; every output emitted.
    /// - Returns: ``StageProgress/moreOutputPending`` when closed windows did not all fit.
    /// - Complexity: O(*n*) expected; allocates only for sensors not seen before.
    public func process(_ batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress {
        batch.withUnsafeBufferPointer { records in
            for record in records {
                let start = windowStart(of: record.timestamp_ns)
                let value = record.value
                if var window = open[record.sensor_id], window.start == start, window.unit == record.unit {
                    window.count += 1
                    window.sum += value
                    window.minimum = Swift.min(window.minimum, value)
                    window.maximum = Swift.max(window.maximum, value)
                    open[record.sensor_id] = window
                } else {
                    if let closed = open[record.sensor_id] { emit(closed, sensor: record.sensor_id) }
                    open[record.sensor_id] = Window(start: start, unit: record.unit, count: 1, sum: value, minimum: value, maximum: value)
                }
            }
        }
        report.absorb(batch.count)
        batch.removeAll()
        return drainPending(into: &batch, report: &report)
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

    /// Closes every open window, in sensor order, and writes the output.
    ///
    /// - Parameters:
    ///   - batch: An empty batch.
    ///   - report: Each record written is emitted.
    /// - Returns: Whether output is still held.
    public func finish(into batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress {
        for sensor in open.keys.sorted() {
            if let window = open[sensor] { emit(window, sensor: sensor) }
        }
        open.removeAll()
        return drainPending(into: &batch, report: &report)
    }

    private func emit(_ window: Window, sensor: UInt32) {
        for statistic in statistics {
            let value: Double =
                switch statistic {
                case .mean: window.sum / Double(window.count)
                case .min: window.minimum
                case .max: window.maximum
                }
            pending.append(sensor_record_t(sensor_id: sensor, timestamp_ns: window.start, value: value, unit: window.unit))
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
