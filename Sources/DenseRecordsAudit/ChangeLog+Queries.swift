import InternalDenseRecordsUtilities
extension ChangeLog {
    /// A filter over a log's retained events; every criterion left `nil` matches everything.
    public struct Query: Sendable {
        /// Only events of this component.
        public var component: ComponentID?
        /// Only events of this attribute.
        public var attribute: AttributeID?
        /// Only events whose ``ChangeEvent/wallClockNanoseconds`` lie in this range.
        public var wallClockNanoseconds: ClosedRange<Int64>?
        /// Only events whose ``ChangeEvent/monotonicNanoseconds`` lie in this range.
        public var monotonicNanoseconds: ClosedRange<UInt64>?
        /// Only rejected events (`true`), only accepted ones (`false`), or both (`nil`).
        public var rejected: Bool?

        /// Creates a query from its criteria.
        ///
        /// - Parameters:
        ///   - component: Only events of this component, or `nil`.
        ///   - attribute: Only events of this attribute, or `nil`.
        ///   - wallClockNanoseconds: A wall-clock range, or `nil`.
        ///   - monotonicNanoseconds: A monotonic-clock range, or `nil`.
        ///   - rejected: `true` for rejected events only, `false` for accepted only, `nil` for both.
        public init(
            component: ComponentID? = nil, attribute: AttributeID? = nil,
            wallClockNanoseconds: ClosedRange<Int64>? = nil, monotonicNanoseconds: ClosedRange<UInt64>? = nil,
            rejected: Bool? = nil
        ) {
            self.component = component
            self.attribute = attribute
            self.wallClockNanoseconds = wallClockNanoseconds
            self.monotonicNanoseconds = monotonicNanoseconds
            self.rejected = rejected
        }

        /// Whether `event` meets every criterion.
        ///
        /// - Parameter event: The event to test.
        /// - Returns: `true` if the event matches.
        /// - Complexity: O(1).
        public func matches(_ event: ChangeEvent) -> Bool {
            if let component, event.component != component { return false }
            if let attribute, event.attribute != attribute { return false }
            if let wallClockNanoseconds, !wallClockNanoseconds.contains(event.wallClockNanoseconds) { return false }
            if let monotonicNanoseconds, !monotonicNanoseconds.contains(event.monotonicNanoseconds) { return false }
            if let rejected, event.outcome.isRejected != rejected { return false }
            return true
        }
    }

    /// Every retained event, oldest first.
    ///
    /// - Returns: A copy of the ring's contents; the log goes on recording meanwhile.
    /// - Complexity: O(*n*), where *n* is the number of retained events, under the log's lock.
    public func snapshot() -> [ChangeEvent] {
        events(matching: Query())
    }

    /// The retained events that match `query`, oldest first.
    ///
    /// - Parameter query: The criteria.
    /// - Returns: The matching events.
    /// - Complexity: O(*n*), where *n* is the number of retained events, under the log's lock.
    public func events(matching query: Query) -> [ChangeEvent] {
        ring.withLock { ring in
            var result: [ChangeEvent] = []
            ring.forEach { event in
                if query.matches(event) { result.append(event) }
            }
            return result
        }
    }

    /// The retained events of a named component and attribute within a time range, oldest first.
    ///
    /// A name that nothing has registered matches no event.
    ///
    /// ```swift
    /// let lastMinute = now - 60_000_000_000 ... now
    /// let errors = log.events(component: "parse", attribute: "errorCount", wallClockNanoseconds: lastMinute)
    /// ```
    ///
    /// - Parameters:
    ///   - component: A component name, or `nil` for all.
    ///   - attribute: An attribute name, or `nil` for all.
    ///   - wallClockNanoseconds: Nanoseconds since the Unix epoch, or `nil` for all times.
    ///   - monotonicNanoseconds: A range on the monotonic clock, or `nil` for all times.
    /// - Returns: The matching events.
    /// - Complexity: O(*n*), where *n* is the number of retained events.
    public func events(
        component: String? = nil, attribute: String? = nil, wallClockNanoseconds: ClosedRange<Int64>? = nil,
        monotonicNanoseconds: ClosedRange<UInt64>? = nil
    ) -> [ChangeEvent] {
        var query = Query(wallClockNanoseconds: wallClockNanoseconds, monotonicNanoseconds: monotonicNanoseconds)
        if let component {
            guard let id = componentID(named: component) else { return [] }
            query.component = id
        }
        if let attribute {
            guard let id = attributeID(named: attribute) else { return [] }
            query.attribute = id
        }
        return events(matching: query)
    }

    /// The most recent retained event, or `nil` when the log is empty.
    ///
    /// - Complexity: O(1).
    public var lastEvent: ChangeEvent? {
        ring.withLock { ring in
            guard ring.count > 0 else { return nil }
            return ring.slots[ring.head == 0 ? ring.capacity - 1 : ring.head - 1]
        }
    }
}
