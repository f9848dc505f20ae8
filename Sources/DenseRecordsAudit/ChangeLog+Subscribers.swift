import Synchronization
import InternalDenseRecordsUtilities
/// One registered consumer of a log's events.
final class ChangeSubscriber: Sendable {
    let token: UInt64
    let deliver: @Sendable (ChangeEvent) -> Void
    /// Ends a stream when the log goes away; `nil` for plain sinks.
    let finish: (@Sendable () -> Void)?
    /// Cleared, under the ring's lock, when the subscriber is removed.
    ///
    /// A delivery in progress holds the list of subscribers it took when its
    /// event was recorded, and skips the inactive ones. Relaxed ordering
    /// suffices: a subscriber removed by a call from inside a delivery is
    /// cleared on the delivering thread itself, and ``ChangeLog/cancel(_:)``
    /// from any other thread waits for the delivery lock first.
    let isActive = Atomic<Bool>(true)

    init(token: UInt64, deliver: @escaping @Sendable (ChangeEvent) -> Void, finish: (@Sendable () -> Void)?) {
        self.token = token
        self.deliver = deliver
        self.finish = finish
    }
}

extension ChangeLog {
    /// A handle to a registered subscriber, for ``cancel(_:)``.
    public struct Subscription: Hashable, Sendable {
        /// The subscriber's id within its log.
        public let token: UInt64
        /// The sequence number of the first event the subscriber receives.
        ///
        /// The subscriber receives every event from this one on, with no gaps,
        /// until it is cancelled.
        public let firstSequence: UInt64
    }

    /// Registers a sink that is called with every event from now on, in sequence order.
    ///
    /// The sink runs synchronously on the recording thread, before
    /// ``record(component:attribute:from:to:outcome:metric:)`` returns, and
    /// after the ring's lock is released. When several threads record at once,
    /// their events reach the sink one at a time, in sequence order, each
    /// exactly once, including events that the ring overwrites a moment later:
    /// no later event is recorded until every subscriber has had this one. Keep
    /// the sink short: while it runs, every other writer waits.
    ///
    /// What a sink may do with the log it is subscribed to:
    ///
    /// - Read it: ``statistics``, ``snapshot()``, ``events(matching:)``,
    ///   ``lastEvent``, ``jsonLines()``, ``capacity``, the name lookups. The
    ///   ring holds the event being delivered as its newest, and
    ///   ``Statistics/recordedCount`` is that event's sequence number plus one.
    /// - Register names with ``registerComponent(named:)`` and ``registerAttribute(named:)``.
    /// - Subscribe: the new subscriber's ``Subscription/firstSequence`` is the
    ///   next event's, so it starts with the event after the one being delivered.
    /// - Cancel any subscription, its own included. A subscriber cancelled
    ///   during a delivery is not called again, not even for the rest of that
    ///   delivery.
    ///
    /// What it must not do:
    ///
    /// - Record into the log, directly or by assigning an ``Audited`` attribute
    ///   of a component that records into it. That traps with a message saying so.
    /// - Wait for another thread that records into the log or cancels one of
    ///   its subscriptions: that thread waits for the sink, so neither finishes.
    ///   The same holds across logs: a sink of log A that records into log B
    ///   deadlocks with a sink of B that records into A, if both run at once.
    ///
    /// - Parameter sink: Called once per event.
    /// - Returns: A handle whose ``Subscription/firstSequence`` is the first event the sink gets.
    /// - Complexity: O(1) amortized.
    @discardableResult
    public func subscribe(_ sink: @escaping @Sendable (ChangeEvent) -> Void) -> Subscription {
        addSubscriber(token: makeSubscriptionToken(), deliver: sink, finish: nil)
    }

    /// Stops a subscriber; an unknown or already cancelled subscription is ignored.
    ///
    /// After this returns, the subscriber is not called again. Called from
    /// another thread while the subscriber is running, it waits for the
    /// delivery in progress to end; called from inside a subscriber of this
    /// log, it returns at once, and a cancelled subscriber that has not had the
    /// current event yet does not get it. A stream from
    /// ``events(bufferingPolicy:)`` is finished.
    ///
    /// - Parameter subscription: The handle from ``subscribe(_:)``.
    /// - Complexity: O(*s*), where *s* is the number of subscribers.
    public func cancel(_ subscription: Subscription) {
        // A metrics bridge also hears of declarations; it stops here too.
        _ = names.withLock { table in table.metricsReporters.removeValue(forKey: subscription.token) }
        let removed = if isDelivering {
            removeSubscriber(token: subscription.token)
        } else {
            // Waits for a delivery in progress, which may be calling this subscriber.
            delivery.withLock { _ in removeSubscriber(token: subscription.token) }
        }
        removed?.finish?()
    }

    /// An asynchronous sequence of every event recorded from now on, in sequence order.
    ///
    /// Events are yielded on the recording thread as ``subscribe(_:)`` describes,
    /// so the stream's buffer receives each event before any later event is
    /// recorded. With the default `.unbounded` policy nothing is lost, and a
    /// consumer that falls behind makes the buffer grow; with a bounded policy,
    /// the stream's own policy decides what a slow consumer misses, and the
    /// sequence numbers show the gaps.
    ///
    /// The stream ends when the consuming task is cancelled, when the stream is
    /// dropped, or when the log is deinitialized.
    ///
    /// - Parameter bufferingPolicy: How the stream buffers events its consumer has not read yet.
    /// - Returns: The stream.
    /// - Complexity: O(1) amortized.
    public func events(
        bufferingPolicy: AsyncStream<ChangeEvent>.Continuation.BufferingPolicy = .unbounded
    ) -> AsyncStream<ChangeEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ChangeEvent.self, bufferingPolicy: bufferingPolicy)
        let token = makeSubscriptionToken()
        // Installed before the subscriber, so a consumer that goes away at once is still unregistered.
        continuation.onTermination = { [weak self] _ in
            // The removed subscriber holds this continuation; it is released here, outside the log's lock.
            // No delivery lock: yielding to a terminated stream, as a delivery in progress may, does nothing.
            _ = self?.removeSubscriber(token: token)
        }
        addSubscriber(
            token: token, deliver: { event in continuation.yield(event) }, finish: { continuation.finish() })
        return stream
    }

    func makeSubscriptionToken() -> UInt64 {
        nextSubscriptionToken.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// Adds a subscriber under the ring's lock only, so that a subscriber may call it.
    ///
    /// A delivery in progress does not see the new subscriber, whose first
    /// event is the next one; every later event is recorded under the same
    /// lock, after it, and delivered to it.
    @discardableResult
    func addSubscriber(
        token: UInt64, deliver: @escaping @Sendable (ChangeEvent) -> Void, finish: (@Sendable () -> Void)?
    ) -> Subscription {
        let subscriber = ChangeSubscriber(token: token, deliver: deliver, finish: finish)
        return ring.withLock { ring in
            ring.subscribers.append(subscriber)
            hasSubscribers.store(true, ordering: .relaxed)
            return Subscription(token: token, firstSequence: ring.nextSequence)
        }
    }

    /// Removes a subscriber under the ring's lock and hands it back, so that it is released after the lock is let go.
    func removeSubscriber(token: UInt64) -> ChangeSubscriber? {
        ring.withLock { ring in
            guard let index = ring.subscribers.firstIndex(where: { $0.token == token }) else { return nil }
            let removed = ring.subscribers.remove(at: index)
            removed.isActive.store(false, ordering: .relaxed)
            hasSubscribers.store(!ring.subscribers.isEmpty, ordering: .relaxed)
            return removed
        }
    }
}
