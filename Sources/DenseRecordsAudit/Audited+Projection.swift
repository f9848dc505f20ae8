import InternalDenseRecordsUtilities
/// The projected value of an ``Audited`` attribute, `$attribute`: its checked assignment and its counts.
///
/// ```swift
/// do {
///     try stage.$meanLatencyMs.set(.nan)
/// } catch {
///     print(error.reason)   // the value is not finite
/// }
/// ```
///
/// A projection is a snapshot of the attribute plus a handle to assign it; it
/// holds its component strongly. Create it where you use it, rather than
/// storing it.
public struct AuditedProjection<Value: AuditableValue> {
    /// The attribute's value when the projection was made.
    public let value: Value
    /// The attribute's combined validation rule.
    public let rule: AuditRule<Value>
    /// How the attribute reports to swift-metrics.
    public let metric: AuditMetric
    /// Assignments to this attribute that its rule refused, up to when the projection was made.
    public let rejectedCount: Int
    let checkedSet: (Value) throws(AuditRejection) -> UInt64

    /// Assigns `newValue`, throwing instead of keeping the old value silently when a rule refuses it.
    ///
    /// Either way the assignment is recorded: as an accepted event, or as a
    /// rejected one before the error is thrown.
    ///
    /// - Parameter newValue: The value to assign.
    /// - Returns: The sequence number of the recorded event.
    /// - Throws: ``AuditRejection`` when a rule refuses `newValue`; the attribute is unchanged then.
    /// - Complexity: O(1), plus building the error's strings when it throws.
    @discardableResult
    public func set(_ newValue: Value) throws(AuditRejection) -> UInt64 {
        try checkedSet(newValue)
    }
}

extension Audited {
    /// Builds the projection for ``subscript(_enclosingInstance:projected:storage:)``.
    static func projection<Component: AuditedComponent>(
        of component: Component, storage storageKeyPath: ReferenceWritableKeyPath<Component, Self>
    ) -> AuditedProjection<Value> {
        let storage = component[keyPath: storageKeyPath]
        return AuditedProjection(
            value: storage.value, rule: storage.rule, metric: storage.metric, rejectedCount: storage.rejections,
            checkedSet: { newValue throws(AuditRejection) in
                let (sequence, change) = assign(newValue, in: component, storage: storageKeyPath)
                guard case let .rejected(reason) = change.outcome else { return sequence }
                let log = component.auditContext.log
                let names = log.names(of: component.auditContext.component, change.attribute)
                throw AuditRejection(
                    component: names.component, attribute: names.attribute, attemptedValue: change.newValue,
                    currentValue: change.oldValue, reason: reason, sequence: sequence)
            })
    }
}
