import Synchronization
import InternalDenseRecordsUtilities
/// One registered consumer of a log's events.
struct ChangeSubscriber: Sendable {
    let token: UInt64
    let deliver: @Sendable (ChangeEvent) -> Void
    /// Ends a stream when the log goes away; `nil` for plain sinks.
    let finish: (@Sendable () -> Void)?
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
    /// The sink runs synchronously on the recording thread while the log's
    /// lock is held, so it sees every event, including events that are
    /// overwritten in the ring a moment later, and never two at once. Keep it
    /// short: every writer waits for it. It must not record into the same log,
    /// which would deadlock.
    ///
    /// - Parameter sink: Called once per event.
    /// - Returns: A handle whose ``Subscription/firstSequence`` is the first event the sink gets.
    /// - Complexity: O(*s*), where *s* is the number of subscribers.
    @discardableResult
    public func subscribe(_ sink: @escaping @Sendable (ChangeEvent) -> Void) -> Subscription {
        addSubscriber(token: makeSubscriptionToken(), deliver: sink, finish: nil)
    }

    /// Stops a subscriber; an unknown or already cancelled subscription is ignored.
    ///
    /// After this returns, the subscriber is not called again. A stream from
    /// ``events(bufferingPolicy:)`` is finished.
    ///
    /// - Parameter subscription: The handle from ``subscribe(_:)``.
    /// - Complexity: O(*s*), where *s* is the number of subscribers.
    public func cancel(_ subscription: Subscription) {
        let removed = removeSubscriber(token: subscription.token)
        removed?.finish?()
    }

    /// An asynchronous sequence of every event recorded from now on, in sequence order.
    ///
    /// Events are yielded while the log's lock is held, so the stream's buffer
    /// receives each event before the ring can overwrite it. With the default
    /// `.unbounded` policy nothing is lost, and a consumer that falls behind
    /// makes the buffer grow; with a bounded policy, the stream's own policy
    /// decides what a slow consumer misses, and the sequence numbers show the gaps.
    ///
    /// The stream ends when the consuming task is cancelled, when the stream is
    /// dropped, or when the log is deinitialized.
    ///
    /// - Parameter bufferingPolicy: How the stream buffers events its consumer has not read yet.
    /// - Returns: The stream.
    /// - Complexity: O(*s*), where *s* is the number of subscribers.
    public func events(
        bufferingPolicy: AsyncStream<ChangeEvent>.Continuation.BufferingPolicy = .unbounded
    ) -> AsyncStream<ChangeEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ChangeEvent.self, bufferingPolicy: bufferingPolicy)
        let token = makeSubscriptionToken()
        // Installed before the subscriber, so a consumer that goes away at once is still unregistered.
        continuation.onTermination = { [weak self] _ in
            // The removed subscriber holds this continuation; it is released here, outside the log's lock.
            _ = self?.removeSubscriber(token: token)
        }
        addSubscriber(
            token: token, deliver: { event in continuation.yield(event) }, finish: { continuation.finish() })
        return stream
    }

    func makeSubscriptionToken() -> UInt64 {
        nextSubscriptionToken.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    @discardableResult
    func addSubscriber(
        token: UInt64, deliver: @escaping @Sendable (ChangeEvent) -> Void, finish: (@Sendable () -> Void)?
    ) -> Subscription {
        let subscriber = ChangeSubscriber(token: token, deliver: deliver, finish: finish)
        return ring.withLock { ring in
            ring.subscribers.append(subscriber)
            return Subscription(token: token, firstSequence: ring.nextSequence)
        }
    }

    /// Removes a subscriber under the lock and hands it back, so that it is released after the lock is let go.
    func removeSubscriber(token: UInt64) -> ChangeSubscriber? {
        ring.withLock { ring in
            guard let index = ring.subscribers.firstIndex(where: { $0.token == token }) else { return nil }
            return ring.subscribers.remove(at: index)
        }
    }
}
