#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The calling thread's `pthread_t` as an integer: unique among the threads alive at once, and never 0.
@inline(__always)
func currentThreadID() -> UInt {
    #if canImport(Darwin)
    UInt(bitPattern: pthread_self())
    #else
    UInt(pthread_self())
    #endif
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

    /// Checks the request, then allocates and initializes every slot.
    init(capacity: Int) throws(ChangeLogError) {
        let bytes = try ChangeLog.ringBytes(forCapacity: capacity)
        // malloc rather than `UnsafeMutablePointer.allocate`, which traps when the allocator says no.
        guard let memory = malloc(bytes) else {
            throw .outOfMemory(requested: capacity, requestedBytes: bytes)
        }
        self.capacity = capacity
        slots = memory.bindMemory(to: ChangeEvent.self, capacity: capacity)
        let blank = ChangeEvent(
            sequence: 0, wallClockNanoseconds: 0, monotonicNanoseconds: 0, component: ComponentID(rawValue: 0),
            attribute: AttributeID(rawValue: 0), oldValue: .integer(0), newValue: .integer(0), outcome: .accepted,
            metric: .gauge)
        slots.initialize(repeating: blank, count: capacity)
    }

    deinit {
        slots.deinitialize(count: capacity)
        free(slots)
    }

    /// Stamps, stores and counts one event, and returns it.
    mutating func append(
        component: ComponentID, attribute: AttributeID, from oldValue: AuditValue, to newValue: AuditValue,
        outcome: ChangeOutcome, metric: AuditMetric
    ) -> ChangeEvent {
        let (wallClock, monotonic) = clock.now()
        let event = ChangeEvent(
            sequence: nextSequence, wallClockNanoseconds: wallClock, monotonicNanoseconds: monotonic,
            component: component, attribute: attribute, oldValue: oldValue, newValue: newValue, outcome: outcome,
            metric: metric)
        nextSequence &+= 1
        if outcome.isRejected { rejectedCount &+= 1 }
        if count == capacity { droppedCount &+= 1 } else { count += 1 }
        slots[head] = event
        head = head + 1 == capacity ? 0 : head + 1
        return event
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
        for subscriber in subscribers { subscriber.isActive.store(false, ordering: .relaxed) }
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
