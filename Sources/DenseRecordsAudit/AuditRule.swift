import InternalDenseRecordsUtilities
/// Why an audited assignment was refused.
///
/// The reason carries the bound that was broken as an ``AuditValue``, so a
/// rejected event stays a plain value with no string attached.
public enum RejectionReason: Equatable, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// The value was NaN or infinite, and the attribute requires a finite value or has a bound.
    case notFinite

    /// The value was below the attribute's minimum, which is the payload.
    case belowMinimum(AuditValue)

    /// The value was above the attribute's maximum, which is the payload.
    case aboveMaximum(AuditValue)

    /// A short machine-readable code: `not_finite`, `below_minimum` or `above_maximum`.
    public var code: String {
        switch self {
        case .notFinite: "not_finite"
        case .belowMinimum: "below_minimum"
        case .aboveMaximum: "above_maximum"
        }
    }

    /// A sentence that names the broken bound.
    public var description: String {
        switch self {
        case .notFinite: "the value is not finite"
        case let .belowMinimum(bound): "the value is below the minimum \(bound)"
        case let .aboveMaximum(bound): "the value is above the maximum \(bound)"
        }
    }
}

/// A validation rule for an ``Audited`` attribute: bounds, and whether the value must be finite.
///
/// Rules are values, checked inline on every assignment without calling a
/// closure. Pass several to ``Audited/init(wrappedValue:metric:_:)``; they
/// combine into the strictest rule, so `.nonNegative, .atMost(100)` accepts
/// `0...100`.
///
/// NaN is refused by every rule except ``unrestricted``, because it is
/// neither inside nor outside a bound.
///
/// ```swift
/// @Audited(.nonNegative, .finite) var meanLatencyMs = 0.0
/// @Audited(.within(0...1)) var sampleRate = 1.0
/// ```
public struct AuditRule<Value: AuditableValue>: Sendable {
    /// The smallest accepted value, or `nil` for no lower bound.
    public var minimum: Value?
    /// The largest accepted value, or `nil` for no upper bound.
    public var maximum: Value?
    /// Whether NaN and infinite values are refused.
    public var requiresFinite: Bool

    /// Creates a rule from its bounds.
    ///
    /// - Parameters:
    ///   - minimum: The smallest accepted value, or `nil`.
    ///   - maximum: The largest accepted value, or `nil`.
    ///   - requiresFinite: Whether NaN and infinite values are refused.
    public init(minimum: Value? = nil, maximum: Value? = nil, requiresFinite: Bool = false) {
        self.minimum = minimum
        self.maximum = maximum
        self.requiresFinite = requiresFinite
    }

    /// Accepts every value, including NaN.
    public static var unrestricted: Self { Self() }

    /// Accepts zero and above.
    public static var nonNegative: Self { Self(minimum: Value.auditZero) }

    /// Accepts every value except NaN and the infinities.
    public static var finite: Self { Self(requiresFinite: true) }

    /// Accepts `minimum` and above.
    ///
    /// - Parameter minimum: The smallest accepted value.
    /// - Returns: The rule.
    public static func atLeast(_ minimum: Value) -> Self { Self(minimum: minimum) }

    /// Accepts `maximum` and below.
    ///
    /// - Parameter maximum: The largest accepted value.
    /// - Returns: The rule.
    public static func atMost(_ maximum: Value) -> Self { Self(maximum: maximum) }

    /// Accepts the values in `range`.
    ///
    /// - Parameter range: The accepted values.
    /// - Returns: The rule.
    public static func within(_ range: ClosedRange<Value>) -> Self {
        Self(minimum: range.lowerBound, maximum: range.upperBound)
    }

    /// The strictest rule that all of `rules` allow: the largest minimum, the smallest maximum.
    ///
    /// - Parameter rules: The rules to combine; an empty list gives ``unrestricted``.
    /// - Returns: The combined rule.
    /// - Complexity: O(*n*), where *n* is the number of rules.
    public static func combining(_ rules: [Self]) -> Self {
        var combined = Self()
        for rule in rules {
            if let minimum = rule.minimum { combined.minimum = Swift.max(combined.minimum ?? minimum, minimum) }
            if let maximum = rule.maximum { combined.maximum = Swift.min(combined.maximum ?? maximum, maximum) }
            combined.requiresFinite = combined.requiresFinite || rule.requiresFinite
        }
        return combined
    }

    /// The reason `value` breaks the rule, or `nil` when it is accepted.
    ///
    /// - Parameter value: The value to check.
    /// - Returns: The first broken condition, or `nil`.
    /// - Complexity: O(1).
    @inlinable
    public func violation(for value: Value) -> RejectionReason? {
        if requiresFinite || minimum != nil || maximum != nil {
            // NaN compares false with everything, so it would slip past the bounds below.
            if !value.isAuditFinite && (requiresFinite || value != value) { return .notFinite }
        }
        if let minimum, value < minimum { return .belowMinimum(minimum.auditValue) }
        if let maximum, value > maximum { return .aboveMaximum(maximum.auditValue) }
        return nil
    }
}

/// The error thrown by the checked assignment of an audited attribute, `try $attribute.set(_:)`.
///
/// The assignment was recorded as a rejected event before the error was
/// thrown, so the audit trail is the same whichever API the caller used.
public struct AuditRejection: Error, Equatable, Sendable, CustomStringConvertible {
    /// The name of the component that owns the attribute.
    public var component: String
    /// The attribute's name.
    public var attribute: String
    /// The value that was refused.
    public var attemptedValue: AuditValue
    /// The value the attribute kept.
    public var currentValue: AuditValue
    /// The broken rule.
    public var reason: RejectionReason
    /// The sequence number of the rejected event in the change log.
    public var sequence: UInt64

    /// A sentence naming the attribute, the value and the broken rule.
    public var description: String {
        "\(component).\(attribute) = \(attemptedValue) rejected: \(reason); it stays \(currentValue)"
    }
}
