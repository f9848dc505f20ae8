import InternalDenseRecordsUtilities
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
/// ## Capacity
///
/// The slots take ``bytesPerEvent`` bytes each, and all of them must fit in the
/// machine's physical memory: ``maximumCapacity`` is the largest capacity
/// allowed. ``init(capacity:)`` traps on a larger request, with a message
/// naming the request and the limit; ``init(checkedCapacity:)`` throws a
/// ``ChangeLogError`` instead, for capacities that come from configuration.
///
/// ## Subscribers
///
/// ``subscribe(_:)`` and ``events(bufferingPolicy:)`` deliver each event as it
/// is recorded, in sequence order, each event exactly once. Use them to keep a
/// full history that outlives the ring, or to feed the swift-metrics and
/// swift-log bridges (``reportMetrics(to:labelPrefix:)``, ``reportLogs(to:level:rejectedLevel:)``).
/// A subscriber runs after the ring's lock is released, so it may read the log,
/// subscribe and cancel; it must not record into the log. ``subscribe(_:)``
/// lists exactly what a subscriber may do.
///
/// ## Concurrency and cost
///
/// One `Mutex` guards the ring; recording takes it once, reads the monotonic clock
/// and writes one slot. It allocates nothing. While there are subscribers, a
/// second `Mutex`, the delivery lock, is held around recording an event and
/// calling the subscribers with it, which keeps each subscriber's events in
/// sequence order when several threads record at once. Component and attribute
/// names live in a separate table under their own `Mutex`, consulted only when
/// a name is registered or resolved, never per event. Locks are always taken
/// in the order delivery, ring, names.
public final class ChangeLog: Sendable {
    let ring: SanitizerVisibleMutex<ChangeRing>
    let names: SanitizerVisibleMutex<NameTable>
    /// Held while an event is recorded and handed to the subscribers, whenever there are subscribers.
    let delivery = SanitizerVisibleMutex<Void>(())
    /// The thread that holds `delivery`, or 0: how a call from inside a subscriber knows it is one.
    ///
    /// Only the holder of `delivery` stores its own id here, and it clears the
    /// value before letting go, so a thread reads its own id only while it is
    /// delivering. Relaxed ordering suffices: a thread's own stores are always
    /// visible to it, and another thread's id never equals the reader's.
    let deliveringThread = Atomic<UInt>(0)
    /// Whether the log has subscribers: a hint, read without a lock, that sends a writer
    /// straight to the delivery lock. The ring's own list, read under its lock, decides.
    let hasSubscribers = Atomic<Bool>(false)
    let nextSubscriptionToken = Atomic<UInt64>(0)

    /// Creates an empty log that keeps at most `capacity` events.
    ///
    /// All slots are allocated and initialized here, so recording never allocates.
    ///
    /// Precondition: `capacity` is positive and `capacity` × ``bytesPerEvent``
    /// fits in physical memory, that is, `capacity` ≤ ``maximumCapacity``.
    /// A request that breaks it traps with a message that names the request
    /// and the limit, before anything is allocated. Use ``init(checkedCapacity:)``
    /// to get an error instead.
    ///
    /// - Parameter capacity: The number of events to keep.
    /// - Complexity: O(*capacity*).
    public convenience init(capacity: Int) {
        do {
            try self.init(checkedCapacity: capacity)
        } catch {
            fatalError("\(error); ChangeLog(checkedCapacity:) reports this as an error instead of trapping")
        }
    }

    /// Creates an empty log that keeps at most `capacity` events, or throws if the machine cannot hold them.
    ///
    /// The request is checked before anything is allocated: `capacity` must be
    /// positive, its size in bytes must fit in `Int`, and that size must not
    /// exceed the machine's physical memory (see ``maximumCapacity``). Only then
    /// are the slots allocated, and a refusal by the allocator, for example
    /// under an address-space limit, is thrown too. All slots are allocated and
    /// initialized here, so recording never allocates.
    ///
    /// The check is against physical memory, not free memory: a request below
    /// the limit can still fail, or leave too little for the rest of the process.
    ///
    /// - Parameter capacity: The number of events to keep.
    /// - Throws: ``ChangeLogError/capacityNotPositive(requested:)``,
    ///   ``ChangeLogError/capacityOverflows(requested:bytesPerEvent:)``,
    ///   ``ChangeLogError/capacityExceedsPhysicalMemory(requested:requestedBytes:physicalMemoryBytes:)``
    ///   or ``ChangeLogError/outOfMemory(requested:requestedBytes:)``.
    /// - Complexity: O(*capacity*).
    public init(checkedCapacity capacity: Int) throws(ChangeLogError) {
        ring = SanitizerVisibleMutex(try ChangeRing(capacity: capacity))
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
    /// from several threads at once in a benchmark. It reads the clock under
    /// the ring's lock, so time and sequence order agree.
    ///
    /// When the log has subscribers, they are called with the event on this
    /// thread before this method returns, after the ring's lock is released.
    ///
    /// Precondition: not called from inside one of this log's subscribers.
    /// While the log has subscribers, such a call traps with a message saying
    /// so, because the new event would reach them before the one being
    /// delivered had reached them all.
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
        if hasSubscribers.load(ordering: .relaxed) {
            return recordAndDeliver(
                component: component, attribute: attribute, from: oldValue, to: newValue, outcome: outcome,
                metric: metric)
        }
        // Without subscribers, one lock: the ring's. Subscribing takes the same lock, so an
        // event recorded here has a sequence number below every subscriber's first.
        let unobserved = ring.withLock { ring -> UInt64? in
            guard ring.subscribers.isEmpty else { return nil }
            return ring.append(
                component: component, attribute: attribute, from: oldValue, to: newValue, outcome: outcome,
                metric: metric
            ).sequence
        }
        if let unobserved { return unobserved }
        return recordAndDeliver(
            component: component, attribute: attribute, from: oldValue, to: newValue, outcome: outcome,
            metric: metric)
    }

    /// Records an event and hands it to the subscribers, under the delivery lock and outside the ring's.
    ///
    /// Every event recorded while there are subscribers goes through here, so
    /// the delivery lock orders the deliveries as the ring lock orders the
    /// sequence numbers: each subscriber gets each event once, in sequence order,
    /// and no later event exists until every subscriber has had this one.
    @inline(never)
    func recordAndDeliver(
        component: ComponentID, attribute: AttributeID, from oldValue: AuditValue, to newValue: AuditValue,
        outcome: ChangeOutcome, metric: AuditMetric
    ) -> UInt64 {
        let thread = currentThreadID()
        if deliveringThread.load(ordering: .relaxed) == thread {
            fatalError("""
                A ChangeLog subscriber must not record into the log it is subscribed to: \
                the event would reach the subscribers before the one being delivered finished
                """)
        }
        return delivery.withLock { _ in
            deliveringThread.store(thread, ordering: .relaxed)
            defer { deliveringThread.store(0, ordering: .relaxed) }
            var subscribers: [ChangeSubscriber] = []
            let event = ring.withLock { ring in
                subscribers = ring.subscribers
                return ring.append(
                    component: component, attribute: attribute, from: oldValue, to: newValue, outcome: outcome,
                    metric: metric)
            }
            // `subscribers` shares the ring's array buffer: a retain, not a copy. A subscriber
            // cancelled by an earlier one during this loop is inactive by the time it is reached.
            for subscriber in subscribers where subscriber.isActive.load(ordering: .relaxed) {
                subscriber.deliver(event)
            }
            return event.sequence
        }
    }

    /// Whether the calling thread is inside one of this log's subscribers.
    var isDelivering: Bool { deliveringThread.load(ordering: .relaxed) == currentThreadID() }
}
