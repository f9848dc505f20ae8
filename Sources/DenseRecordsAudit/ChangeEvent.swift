import InternalDenseRecordsUtilities
/// A component's name, interned by a ``ChangeLog`` to a small integer.
///
/// Events carry the id, not the string, so recording an event copies four
/// bytes instead of retaining a `String`. ``ChangeLog/componentName(_:)``
/// turns the id back into the name. An id is meaningful only in the log that
/// issued it.
public struct ComponentID: Hashable, Sendable, BitwiseCopyable {
    /// The id's index in its log's name table.
    public let rawValue: UInt32

    /// Creates an id from its raw index; ``ChangeLog/registerComponent(named:)`` is the usual source.
    ///
    /// - Parameter rawValue: The index in the log's name table.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
}

/// An attribute's name, interned by a ``ChangeLog`` to a small integer.
///
/// ``Audited`` resolves its attribute's name once, on its first recorded
/// change, and reuses the id afterwards. ``ChangeLog/attributeName(_:)``
/// turns the id back into the name. An id is meaningful only in the log that
/// issued it.
public struct AttributeID: Hashable, Sendable, BitwiseCopyable {
    /// The id's index in its log's name table.
    public let rawValue: UInt32

    /// Creates an id from its raw index; ``ChangeLog/registerAttribute(named:)`` is the usual source.
    ///
    /// - Parameter rawValue: The index in the log's name table.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
}

/// How an audited attribute reports to a swift-metrics backend.
///
/// The kind travels with each event, so ``ChangeLog/reportMetrics(to:labelPrefix:)``
/// can create the right instrument without a separate registry.
public enum AuditMetric: Hashable, Sendable, BitwiseCopyable {
    /// A monotonic count: each accepted increase is added to a `Counter`; decreases are not reported.
    case counter

    /// A level: each accepted value is recorded by a `Gauge`.
    case gauge

    /// A duration in `unit`: each accepted value is recorded by a `Timer`.
    case timer(AuditTimeUnit)
}

/// The unit of an audited attribute that reports as a ``AuditMetric/timer(_:)``.
public enum AuditTimeUnit: Hashable, Sendable, BitwiseCopyable {
    /// Nanoseconds.
    case nanoseconds
    /// Microseconds.
    case microseconds
    /// Milliseconds.
    case milliseconds
    /// Seconds.
    case seconds

    /// The number of nanoseconds in one unit.
    public var nanosecondsPerUnit: Double {
        switch self {
        case .nanoseconds: 1
        case .microseconds: 1_000
        case .milliseconds: 1_000_000
        case .seconds: 1_000_000_000
        }
    }
}

/// Whether an audited assignment took effect.
public enum ChangeOutcome: Equatable, Sendable, BitwiseCopyable {
    /// The new value was stored.
    case accepted

    /// The new value broke a rule and was not stored; the attribute kept its old value.
    case rejected(RejectionReason)

    /// Whether the assignment was rejected.
    public var isRejected: Bool {
        if case .rejected = self { true } else { false }
    }
}

/// One recorded assignment to an audited attribute.
///
/// An event is a plain value of 80 bytes (stride) with no references: the ``ChangeLog``
/// stores it in a preallocated ring slot without allocating or reference
/// counting. Names are interned ids; resolve them with
/// ``ChangeLog/componentName(_:)`` and ``ChangeLog/attributeName(_:)``, or
/// export with ``ChangeLog/jsonLines()``, which writes the names.
///
/// For a rejected assignment, ``newValue`` is the value that was refused and
/// the attribute still holds ``oldValue``.
public struct ChangeEvent: Equatable, Sendable, BitwiseCopyable {
    /// The event's position in its log, from 0, with no gaps across all writers.
    public var sequence: UInt64
    /// Wall-clock time of the event in nanoseconds since the Unix epoch.
    ///
    /// Derived from ``monotonicNanoseconds`` and an offset to `CLOCK_REALTIME`
    /// that the log re-anchors at least once a second, so a wall-clock step
    /// shows up within a second.
    public var wallClockNanoseconds: Int64
    /// Monotonic time of the event in nanoseconds (`CLOCK_MONOTONIC`); never goes back within a process.
    public var monotonicNanoseconds: UInt64
    /// The component that owns the attribute.
    public var component: ComponentID
    /// The attribute that was assigned.
    public var attribute: AttributeID
    /// The value before the assignment.
    public var oldValue: AuditValue
    /// The value assigned, or refused when ``outcome`` is ``ChangeOutcome/rejected(_:)``.
    public var newValue: AuditValue
    /// Whether the assignment took effect, and why not.
    public var outcome: ChangeOutcome
    /// How the attribute reports to swift-metrics.
    public var metric: AuditMetric

    /// Creates an event; ``ChangeLog`` creates them as values are recorded.
    ///
    /// - Parameters:
    ///   - sequence: The event's position in its log.
    ///   - wallClockNanoseconds: Nanoseconds since the Unix epoch.
    ///   - monotonicNanoseconds: Nanoseconds on the monotonic clock.
    ///   - component: The owning component.
    ///   - attribute: The assigned attribute.
    ///   - oldValue: The value before the assignment.
    ///   - newValue: The value assigned or refused.
    ///   - outcome: Whether the assignment took effect.
    ///   - metric: How the attribute reports to swift-metrics.
    public init(
        sequence: UInt64, wallClockNanoseconds: Int64, monotonicNanoseconds: UInt64,
        component: ComponentID, attribute: AttributeID, oldValue: AuditValue, newValue: AuditValue,
        outcome: ChangeOutcome, metric: AuditMetric
    ) {
        self.sequence = sequence
        self.wallClockNanoseconds = wallClockNanoseconds
        self.monotonicNanoseconds = monotonicNanoseconds
        self.component = component
        self.attribute = attribute
        self.oldValue = oldValue
        self.newValue = newValue
        self.outcome = outcome
        self.metric = metric
    }
}
