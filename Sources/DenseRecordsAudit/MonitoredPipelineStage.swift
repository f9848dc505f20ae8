import InternalDenseRecordsUtilities
/// A pipeline stage whose throughput, latency and error figures are audited attributes.
///
/// Every change to ``recordsProcessed``, ``meanLatencyMs`` and ``errorCount``
/// is recorded in the stage's ``ChangeLog`` under the stage's name, whether it
/// comes from ``recordBatch(records:latency:)`` or from outside code. Several
/// stages may share one log; each event names its stage.
///
/// ```swift
/// let log = ChangeLog(capacity: 16_384)
/// let parse = MonitoredPipelineStage(name: "parse", log: log)
/// parse.recordBatch(records: 1_000, latency: .milliseconds(8))
/// parse.errorCount += 1
/// ```
///
/// ## The running mean
///
/// ``meanLatencyMs`` is the mean latency *per batch*: each call to
/// ``recordBatch(records:latency:)`` counts once, whatever its record count.
/// A batch's latency is the time one call to the stage took, and that is what
/// a latency objective constrains. It is maintained incrementally as
/// `mean += (latency - mean) / batches`, which stays accurate over millions
/// of batches where a running sum divided by a count would lose precision.
/// For the cost per record, divide the total time by ``recordsProcessed``.
///
/// A stage is not `Sendable`: keep it in one isolation domain, as with any
/// class that mutates without locks. Its log is `Sendable` and may be shared.
public final class MonitoredPipelineStage: AuditedComponent {
    /// The stage's name in its log.
    public let auditContext: AuditContext

    /// Records processed so far, summed over batches. Reported as a counter.
    @Audited(metric: .counter, .nonNegative) public var recordsProcessed = 0

    /// The mean latency per batch, in milliseconds. Reported as a gauge.
    @Audited(metric: .gauge, .nonNegative, .finite) public var meanLatencyMs = 0.0

    /// Errors seen so far. Reported as a counter.
    @Audited(metric: .counter, .nonNegative) public var errorCount = 0

    /// The number of batches behind ``meanLatencyMs``.
    ///
    /// Not audited: it changes with every batch, always by one, and
    /// ``recordsProcessed`` and ``meanLatencyMs`` events already mark each batch.
    public private(set) var batchesProcessed = 0

    /// Creates a stage with all figures at zero, and declares its attributes to the log.
    ///
    /// The declaration (``ChangeLog/declareAttributes(of:)``) gives metrics
    /// bridges attached to `log` their instruments now: the counters
    /// `records_processed_total` and `error_count_total` at 0 and the gauge
    /// `mean_latency_seconds`. Were a bridge to have one of those names with
    /// another kind, that bridge leaves the attribute out and counts its events
    /// as conflicts; the stage works the same either way.
    ///
    /// - Parameters:
    ///   - name: The stage's name, as events, queries and exports show it.
    ///   - log: The log to record into; several stages may share it.
    /// - Complexity: One name-table lookup per attribute, plus the bridges' cost.
    public init(name: String, log: ChangeLog) {
        auditContext = AuditContext(log: log, componentName: name)
        // A conflict is reported by the bridge itself (its conflicts counter); an
        // initializer that threw for a metrics backend's naming would be worse.
        try? log.declareAttributes(of: self)
    }

    /// The stage's name.
    public var name: String { auditContext.componentName }

    /// Records one processed batch: its record count and how long it took.
    ///
    /// Adds `records` to ``recordsProcessed`` and folds `latency` into
    /// ``meanLatencyMs``; each is one audited event.
    ///
    /// - Parameters:
    ///   - records: The number of records in the batch. Must not be negative.
    ///   - latency: The time the batch took. Must not be negative.
    /// - Complexity: O(1); allocates nothing.
    public func recordBatch(records: Int, latency: Duration) {
        require(records >= 0, "MonitoredPipelineStage.recordBatch: records must not be negative, got \(records)")
        require(latency >= .zero, "MonitoredPipelineStage.recordBatch: latency must not be negative")
        recordsProcessed += records
        batchesProcessed += 1
        let latencyMs = Self.milliseconds(latency)
        meanLatencyMs += (latencyMs - meanLatencyMs) / Double(batchesProcessed)
    }

    /// Adds `count` to ``errorCount``: one audited event.
    ///
    /// The same as `errorCount += count`, but a method call: from another
    /// module, `+=` on a class property goes through the property's `modify`
    /// coroutine, whose frame Swift allocates on the heap when it is larger
    /// than the caller's fixed buffer, as it is here. This method records the
    /// event with no allocation; use it on hot paths and in benchmarks.
    ///
    /// - Parameter count: The number of errors. A negative count that would
    ///   take the total below zero is rejected and recorded as such.
    /// - Complexity: O(1); allocates nothing.
    public func recordErrors(_ count: Int = 1) {
        errorCount += count
    }

    /// Converts a `Duration` to fractional milliseconds.
    ///
    /// - Parameter duration: The duration.
    /// - Returns: The duration in milliseconds.
    /// - Complexity: O(1).
    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }
}
