import InternalDenseRecordsUtilities
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A bounded, thread-safe ring buffer of ``ChangeEvent``s shared by audited components.
///
/// The log keeps the newest ``capacity`` events in slots allocated once, at
/// creation. When it is full, each new event overwrites the oldest one and
/// ``Statistics/droppedCount`` goes up by one, so no loss is silent. Every
/// event gets the next ``ChangeEvent/sequence`` number, so a gap in a
/// consumer's sequence is a loss it can see too.
///
/// ```swift
/// let log = ChangeLog(capacity: 4096)
/// let parse = MonitoredPipelineStage(name: "parse", log: log)
/// parse.recordBatch(records: 500, latency: .milliseconds(12))
/// parse.errorCount += 1
/// for event in log.events(component: "parse", attribute: "errorCount") { print(event) }
/// ```
///
/// ## Subscribers
///
/// ``subscribe(_:)`` and ``events(bufferingPolicy:)`` deliver each event as it
/// is recorded, before it can be overwritten, in sequence order. Use them to
/// keep a full history that outlives the ring, or to feed the swift-metrics and
/// swift-log bridges (``reportMetrics(to:labelPrefix:)``, ``reportLogs(to:level:rejectedLevel:)``).
///
/// ## Concurrency and cost
///
/// One `Mutex` guards the ring; recording takes it once, reads the monotonic clock,
/// writes one slot and, only when there are subscribers, calls them. It
/// allocates nothing. Component and attribute names live in a separate table
/// under their own `Mutex`, consulted only when a name is registered or
/// resolved, never per event.
public final class ChangeLog: Sendable {
    let ring: SanitizerVisibleMutex<ChangeRing>
    let names: SanitizerVisibleMutex<NameTable>
    let nextSubscriptionToken = Atomic<UInt64>(0)

    /// Creates an empty log that keeps at most `capacity` events.
    ///
    /// All slots are allocated and initialized here, so recording never allocates.
    ///
    /// - Parameter capacity: The number of events to keep. Must be positive.
    /// - Complexity: O(*capacity*).
    public init(capacity: Int) {
        precondition(capacity > 0, "ChangeLog capacity must be positive, got \(capacity)")
        ring = SanitizerVisibleMutex(ChangeRing(capacity: capacity))
        names = SanitizerVisibleMutex(NameTable())
    }

    deinit {
        // Finish streams outside the lock: a stream's termination handler may call back into the log.
        let subscribers = ring.withLock { ring in ring.removeAllSubscribers() }
        for subscriber in subscribers { subscriber.finish?() }
    }

    /// The most events the log keeps.
    public var capacity: Int { ring.withLock { $0.capacity } }

    /// Counts kept by a ``ChangeLog``.
    public struct Statistics: Hashable, Sendable {
        /// Events recorded since creation, accepted and rejected.
        public var recordedCount: UInt64
        /// Events currently in the ring: at most the capacity.
        public var retainedCount: Int
        /// Events overwritten before anyone read them from the ring; always `recordedCount - retainedCount`.
        public var droppedCount: UInt64
        /// Recorded events whose outcome was ``ChangeOutcome/rejected(_:)``.
        public var rejectedCount: UInt64
    }

    /// The log's counts, read together under its lock.
    ///
    /// - Complexity: O(1).
    public var statistics: Statistics {
        ring.withLock { ring in
            Statistics(recordedCount: ring.nextSequence, retainedCount: ring.count,
                       droppedCount: ring.droppedCount, rejectedCount: ring.rejectedCount)
        }
    }

    // MARK: Recording

    /// Records one assignment and returns its sequence number.
    ///
    /// ``Audited`` calls this on every assignment; call it directly to record
    /// changes of values that are not audited attributes, or to drive the log
    /// from several threads at once in a benchmark. It reads the wall clock and
    /// the clock under the lock, so time and sequence order agree.
    ///
    /// - Parameters:
    ///   - component: The owning component, from ``registerComponent(named:)``.
    ///   - attribute: The attribute, from ``registerAttribute(named:)``.
    ///   - oldValue: The value before the assignment.
    ///   - newValue: The value assigned, or refused.
    ///   - outcome: Whether the assignment took effect.
    ///   - metric: How the attribute reports to swift-metrics.
    /// - Returns: The new event's ``ChangeEvent/sequence``.
    /// - Complexity: O(1) plus the subscribers' own cost. Allocates nothing.
    @discardableResult
    // Kept out of line so the audited attributes' `modify` coroutines stay small enough
    // for the caller's fixed frame buffer; a larger frame is heap-allocated on every `+=`.
    @inline(never)
    public func record(
        component: ComponentID, attribute: AttributeID, from oldValue: AuditValue, to newValue: AuditValue,
        outcome: ChangeOutcome = .accepted, metric: AuditMetric = .gauge
    ) -> UInt64 {
        ring.withLock { ring in
            let sequence = ring.nextSequence
            let (wallClock, monotonic) = ring.clock.now()
            let event = ChangeEvent(
                sequence: sequence, wallClockNanoseconds: wallClock,
                monotonicNanoseconds: monotonic, component: component,
                attribute: attribute, oldValue: oldValue, newValue: newValue, outcome: outcome, metric: metric)
            ring.append(event)
            return sequence
        }
    }
}

/// The ring's state, owned by the log's `Mutex` and touched only under it.
struct ChangeRing: ~Copyable {
    let slots: UnsafeMutablePointer<ChangeEvent>
    let capacity: Int
    /// The slot the next event goes to.
    var head = 0
    var count = 0
    var nextSequence: UInt64 = 0
    var droppedCount: UInt64 = 0
    var rejectedCount: UInt64 = 0
    var subscribers: [ChangeSubscriber] = []
    var clock = AuditClock()

    init(capacity: Int) {
        self.capacity = capacity
        slots = .allocate(capacity: capacity)
        let blank = ChangeEvent(
            sequence: 0, wallClockNanoseconds: 0, monotonicNanoseconds: 0, component: ComponentID(rawValue: 0),
            attribute: AttributeID(rawValue: 0), oldValue: .integer(0), newValue: .integer(0), outcome: .accepted,
            metric: .gauge)
        slots.initialize(repeating: blank, count: capacity)
    }

    deinit {
        slots.deinitialize(count: capacity)
        slots.deallocate()
    }

    mutating func append(_ event: ChangeEvent) {
        nextSequence &+= 1
        if event.outcome.isRejected { rejectedCount &+= 1 }
        if count == capacity { droppedCount &+= 1 } else { count += 1 }
        slots[head] = event
        head = head + 1 == capacity ? 0 : head + 1
        if !subscribers.isEmpty {
            for subscriber in subscribers { subscriber.deliver(event) }
        }
    }

    /// Calls `body` with each retained event, oldest first.
    func forEach(_ body: (ChangeEvent) -> Void) {
        var index = head - count
        if index < 0 { index += capacity }
        for _ in 0..<count {
            body(slots[index])
            index = index + 1 == capacity ? 0 : index + 1
        }
    }

    mutating func removeAllSubscribers() -> [ChangeSubscriber] {
        defer { subscribers = [] }
        return subscribers
    }
}

/// Stamps events with a monotonic and a wall-clock time, reading one clock per event.
///
/// `clock_gettime` costs about 55 ns per call on the machines this library is
/// measured on, so reading both clocks would double the cost of an event. The
/// wall-clock time is instead the monotonic time plus an offset, re-anchored
/// to `CLOCK_REALTIME` whenever a second has passed on the monotonic clock.
/// A wall-clock step (an NTP correction, a manual change) therefore shows up in
/// events within a second, and between anchors the wall-clock time advances
/// exactly as the monotonic one does.
struct AuditClock {
    static let reanchorInterval: UInt64 = 1_000_000_000
    var anchor: UInt64
    var wallMinusMonotonic: Int64

    init() {
        anchor = Self.monotonicNanoseconds()
        wallMinusMonotonic = Self.wallClockNanoseconds() &- Int64(truncatingIfNeeded: anchor)
    }

    /// The wall-clock and the monotonic time of now, in nanoseconds.
    mutating func now() -> (wallClock: Int64, monotonic: UInt64) {
        let monotonic = Self.monotonicNanoseconds()
        if monotonic &- anchor >= Self.reanchorInterval {
            anchor = monotonic
            wallMinusMonotonic = Self.wallClockNanoseconds() &- Int64(truncatingIfNeeded: monotonic)
        }
        return (Int64(truncatingIfNeeded: monotonic) &+ wallMinusMonotonic, monotonic)
    }

    static func wallClockNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
    }

    static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) &* 1_000_000_000 &+ UInt64(time.tv_nsec)
    }
}
