import InternalDenseRecordsUtilities
public import Logging

extension ChangeLog {
    /// Writes every event from now on to a swift-log `Logger` as a structured entry.
    ///
    /// Accepted changes are logged at `level` with the message
    /// `audited attribute changed`; rejected assignments at `rejectedLevel`
    /// with `audited assignment rejected`. Each entry's metadata has the keys
    /// `component`, `attribute`, `old`, `new`, `sequence`, `wall_clock_ns`,
    /// `monotonic_ns`, `outcome` and `metric`, plus `reason` for a rejection.
    ///
    /// The logger is used as given: no `LoggingSystem` bootstrap is needed, so
    /// tests can pass a logger backed by `InMemoryLogHandler`. When the
    /// logger's level filters an entry out, its metadata is never built.
    ///
    /// Entries are written on the recording thread, one event at a time, in
    /// sequence order, as ``subscribe(_:)`` describes; a slow log handler slows
    /// every writer. The log handler must not record into this log.
    ///
    /// - Parameters:
    ///   - logger: The logger to write to.
    ///   - level: The level of accepted changes.
    ///   - rejectedLevel: The level of rejected assignments.
    /// - Returns: The subscription; pass it to ``cancel(_:)`` to stop logging.
    /// - Complexity: Per event, one name lookup and the log handler's own cost.
    @discardableResult
    public func reportLogs(
        to logger: Logger, level: Logger.Level = .info, rejectedLevel: Logger.Level = .warning
    ) -> Subscription {
        subscribe { [weak self] event in
            let rejected = event.outcome.isRejected
            logger.log(
                level: rejected ? rejectedLevel : level,
                rejected ? "audited assignment rejected" : "audited attribute changed",
                metadata: Self.metadata(for: event, names: self?.names(of: event.component, event.attribute)))
        }
    }

    static func metadata(for event: ChangeEvent, names: (component: String, attribute: String)?) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "component": .string(names?.component ?? "#\(event.component.rawValue)"),
            "attribute": .string(names?.attribute ?? "#\(event.attribute.rawValue)"),
            "old": .stringConvertible(event.oldValue),
            "new": .stringConvertible(event.newValue),
            "sequence": .stringConvertible(event.sequence),
            "wall_clock_ns": .stringConvertible(event.wallClockNanoseconds),
            "monotonic_ns": .stringConvertible(event.monotonicNanoseconds),
            "metric": .string(metricName(event.metric)),
        ]
        switch event.outcome {
        case .accepted:
            metadata["outcome"] = "accepted"
        case let .rejected(reason):
            metadata["outcome"] = "rejected"
            metadata["reason"] = .string(reason.code)
            metadata["reason_detail"] = .string(reason.description)
        }
        return metadata
    }
}
