/// Why a ``ChangeLog`` could not be created with the capacity asked for.
///
/// ``ChangeLog/init(checkedCapacity:)`` throws it; ``ChangeLog/init(capacity:)``
/// traps with its ``description``. Each case carries the request, so the
/// message says what was asked for and what stood in the way.
public enum ChangeLogError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The capacity was zero or negative.
    case capacityNotPositive(requested: Int)

    /// `requested` events of `bytesPerEvent` bytes each need more bytes than `Int` can count.
    case capacityOverflows(requested: Int, bytesPerEvent: Int)

    /// The ring would need `requestedBytes`, more than the machine's `physicalMemoryBytes`.
    ///
    /// Nothing was allocated. ``ChangeLog/maximumCapacity`` is the largest capacity that passes.
    case capacityExceedsPhysicalMemory(requested: Int, requestedBytes: Int, physicalMemoryBytes: Int)

    /// The request passed the checks, but the allocator returned `NULL` for its `requestedBytes`.
    ///
    /// An address-space limit (`RLIMIT_AS`) or a memory cgroup can refuse less than physical memory.
    case outOfMemory(requested: Int, requestedBytes: Int)

    /// A description that names the request and the limit it broke.
    public var description: String {
        switch self {
        case let .capacityNotPositive(requested):
            "ChangeLog capacity must be positive, got \(requested)"
        case let .capacityOverflows(requested, bytesPerEvent):
            "ChangeLog capacity \(requested) at \(bytesPerEvent) bytes per event overflows Int"
        case let .capacityExceedsPhysicalMemory(requested, requestedBytes, physicalMemoryBytes):
            """
            ChangeLog capacity \(requested) needs \(requestedBytes) bytes, more than the \(physicalMemoryBytes) \
            bytes of physical memory; the largest capacity this machine allows is \
            \(physicalMemoryBytes / ChangeLog.bytesPerEvent)
            """
        case let .outOfMemory(requested, requestedBytes):
            "ChangeLog capacity \(requested) needs \(requestedBytes) bytes, and the allocator refused them"
        }
    }
}
