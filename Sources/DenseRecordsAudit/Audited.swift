import InternalDenseRecordsUtilities
/// A class whose ``Audited`` attributes record their changes in a ``ChangeLog``.
///
/// Conform by storing an ``AuditContext``: it names the component and the log.
///
/// ```swift
/// final class Deduplicator: AuditedComponent {
///     let auditContext: AuditContext
///     @Audited(metric: .counter, .nonNegative) var duplicatesDropped = 0
///     init(log: ChangeLog) { auditContext = AuditContext(log: log, componentName: "dedup") }
/// }
/// ```
public protocol AuditedComponent: AnyObject {
    /// The log this component records into, and its name there.
    var auditContext: AuditContext { get }
}

/// A component's place in a ``ChangeLog``: the log and the component's interned name.
public struct AuditContext: Sendable {
    /// The log the component records into.
    public let log: ChangeLog
    /// The component's id in ``log``.
    public let component: ComponentID

    /// Registers `componentName` with `log`.
    ///
    /// - Parameters:
    ///   - log: The log to record into; several components may share it.
    ///   - componentName: The name that events, queries and exports show.
    /// - Complexity: One name-table lookup.
    public init(log: ChangeLog, componentName: String) {
        self.log = log
        self.component = log.registerComponent(named: componentName)
    }

    /// The component's name.
    public var componentName: String { log.componentName(component) ?? "" }
}

/// An attribute that records every assignment, with its old and new value, in its component's ``ChangeLog``.
///
/// Declare it in one line inside a class that conforms to ``AuditedComponent``:
///
/// ```swift
/// @Audited(metric: .counter, .nonNegative) var errorCount = 0
/// ```
///
/// Plain assignment, compound assignment (`+=`), assignment inside the
/// class's methods and from outside code all go through one accessor, the
/// wrapper's enclosing-instance subscript, which checks the rules and records
/// the event. The attribute's name comes from its storage key path
/// (`\Stage._errorCount` gives `errorCount`) the first time it changes and is
/// interned then; later assignments reuse the id and allocate nothing.
///
/// An assignment that breaks a rule keeps the old value and records a
/// rejected event with the reason. To get an error instead, use the checked
/// assignment on the projected value: `try stage.$errorCount.set(-1)`.
///
/// The wrapper works only in classes: the enclosing-instance subscript needs a
/// reference to the component.
@propertyWrapper
public struct Audited<Value: AuditableValue> {
    @usableFromInline var value: Value
    @usableFromInline let rule: AuditRule<Value>
    @usableFromInline let metric: AuditMetric
    /// Interned on the first recorded change; a component's log never changes, so neither does the id.
    @usableFromInline var attribute: AttributeID?
    @usableFromInline var rejections = 0

    /// Creates an audited attribute with an initial value, a metric kind and validation rules.
    ///
    /// - Parameters:
    ///   - wrappedValue: The initial value. It is not recorded, and it must satisfy the rules.
    ///   - metric: How the attribute reports through ``ChangeLog/reportMetrics(to:labelPrefix:)``.
    ///   - rules: Validation rules; they combine into the strictest one.
    public init(wrappedValue: Value, metric: AuditMetric = .gauge, _ rules: AuditRule<Value>...) {
        let rule = AuditRule.combining(rules)
        if let reason = rule.violation(for: wrappedValue) {
            requirementFailed("Audited initial value \(wrappedValue) breaks its own rule: \(reason)")
        }
        self.value = wrappedValue
        self.rule = rule
        self.metric = metric
    }

    /// Unavailable: an audited attribute is reached through its component, which supplies the log.
    @available(*, unavailable, message: "@Audited is only available on properties of AuditedComponent classes")
    public var wrappedValue: Value {
        get { fatalError("unreachable") }
        set { fatalError("unreachable") }
    }

    /// Unavailable: the projection, ``AuditedProjection``, is reached through its component, as `component.$attribute`.
    @available(*, unavailable, message: "$attribute is only available on properties of AuditedComponent classes")
    public var projectedValue: AuditedProjection<Value> {
        fatalError("unreachable")
    }

    /// The projection of an audited attribute, `component.$attribute`.
    ///
    /// The compiler looks for this subscript, like the one below, in the
    /// wrapper's own declaration, not in its extensions.
    ///
    /// - Parameters:
    ///   - component: The component that owns the attribute.
    ///   - projectedKeyPath: The key path of the projected property.
    ///   - storageKeyPath: The key path of the wrapper's storage.
    /// - Complexity: O(1); allocates the projection's assignment closure.
    public static subscript<Component: AuditedComponent>(
        _enclosingInstance component: Component,
        projected projectedKeyPath: KeyPath<Component, AuditedProjection<Value>>,
        storage storageKeyPath: ReferenceWritableKeyPath<Component, Self>
    ) -> AuditedProjection<Value> {
        projection(of: component, storage: storageKeyPath)
    }

    /// Reads and assigns the attribute; the compiler routes every access to the wrapped property here.
    ///
    /// - Parameters:
    ///   - component: The component that owns the attribute.
    ///   - wrappedKeyPath: The key path of the wrapped property.
    ///   - storageKeyPath: The key path of the wrapper's storage, which names the attribute.
    /// - Complexity: O(1). An assignment allocates nothing after the attribute's first change.
    @inlinable
    @inline(__always)
    public static subscript<Component: AuditedComponent>(
        _enclosingInstance component: Component,
        wrapped wrappedKeyPath: ReferenceWritableKeyPath<Component, Value>,
        storage storageKeyPath: ReferenceWritableKeyPath<Component, Self>
    ) -> Value {
        get { component[keyPath: storageKeyPath].value }
        set { _ = assign(newValue, in: component, storage: storageKeyPath) }
    }

    /// The one place where an assignment is validated, applied and recorded.
    ///
    /// The value is updated inside the access to the component's storage and
    /// recorded after that access ends, so a subscriber never runs during an
    /// exclusive access to the component.
    @inlinable
    @inline(__always)
    static func assign<Component: AuditedComponent>(
        _ newValue: Value, in component: Component, storage: ReferenceWritableKeyPath<Component, Self>
    ) -> (sequence: UInt64, change: PendingChange) {
        let context = component.auditContext
        let change = component[keyPath: storage].apply(newValue, log: context.log, storage: storage)
        let sequence = context.log.record(
            component: context.component, attribute: change.attribute, from: change.oldValue,
            to: change.newValue, outcome: change.outcome, metric: change.metric)
        return (sequence, change)
    }

    /// Validates and, if valid, stores `newValue`, and describes the change to record.
    @inlinable
    @inline(__always)
    mutating func apply(_ newValue: Value, log: ChangeLog, storage: AnyKeyPath) -> PendingChange {
        let attribute = self.attribute ?? resolveAttribute(log: log, storage: storage)
        let oldValue = value
        let outcome: ChangeOutcome
        if let reason = rule.violation(for: newValue) {
            rejections &+= 1
            outcome = .rejected(reason)
        } else {
            value = newValue
            outcome = .accepted
        }
        return PendingChange(
            attribute: attribute, oldValue: oldValue.auditValue, newValue: newValue.auditValue, outcome: outcome,
            metric: metric)
    }

    /// Derives the attribute's name from its storage key path and interns it: the one slow step, once.
    @usableFromInline
    @inline(never)
    mutating func resolveAttribute(log: ChangeLog, storage: AnyKeyPath) -> AttributeID {
        let id = log.registerAttribute(named: Self.attributeName(of: storage))
        attribute = id
        return id
    }

    /// `\Stage._errorCount` gives `errorCount`; a key path that does not print that way gives its full description.
    static func attributeName(of storage: AnyKeyPath) -> String {
        let description = String(describing: storage)
        guard let dot = description.lastIndex(of: ".") else { return description }
        var name = description[description.index(after: dot)...]
        if name.first == "_" { name = name.dropFirst() }
        let isIdentifier = !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        return isIdentifier ? String(name) : description
    }
}

/// A validated assignment on its way to the log.
@usableFromInline
struct PendingChange: Sendable {
    @usableFromInline let attribute: AttributeID
    @usableFromInline let oldValue: AuditValue
    @usableFromInline let newValue: AuditValue
    @usableFromInline let outcome: ChangeOutcome
    @usableFromInline let metric: AuditMetric

    @usableFromInline
    init(attribute: AttributeID, oldValue: AuditValue, newValue: AuditValue, outcome: ChangeOutcome, metric: AuditMetric) {
        self.attribute = attribute
        self.oldValue = oldValue
        self.newValue = newValue
        self.outcome = outcome
        self.metric = metric
    }
}
