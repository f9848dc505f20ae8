import InternalDenseRecordsUtilities
/// A numeric value as the change log stores it: an integer or a binary floating-point number.
///
/// Every audited attribute converts its old and new values to an `AuditValue`
/// before they enter the ``ChangeLog``. The enum holds no references, so an
/// event that carries two of them is copied into a ring slot without reference
/// counting or heap allocation, whatever the attribute's declared type.
///
/// ```swift
/// let value = 42.auditValue          // .integer(42)
/// let latency = 1.5.auditValue       // .floatingPoint(1.5)
/// ```
public enum AuditValue: Equatable, Sendable, BitwiseCopyable, CustomStringConvertible {
    /// A signed integer value.
    case integer(Int64)

    /// A binary floating-point value, possibly NaN or infinite for rejected assignments.
    case floatingPoint(Double)

    /// The value as a `Double`, rounding integers past 2⁵³ to the nearest representable value.
    ///
    /// - Complexity: O(1).
    public var doubleValue: Double {
        switch self {
        case let .integer(value): Double(value)
        case let .floatingPoint(value): value
        }
    }

    /// The value in Swift's own spelling: `42`, `1.5`, `nan`, `inf`.
    public var description: String {
        switch self {
        case let .integer(value): value.description
        case let .floatingPoint(value): value.description
        }
    }

    /// The difference `self - other`, as an integer when both are integers.
    ///
    /// Integer differences wrap on overflow instead of trapping: a delta is a
    /// reporting figure, and a report must never crash the code it observes.
    ///
    /// - Parameter other: The value to subtract.
    /// - Returns: The difference.
    /// - Complexity: O(1).
    public func difference(from other: AuditValue) -> AuditValue {
        switch (self, other) {
        case let (.integer(lhs), .integer(rhs)): .integer(lhs &- rhs)
        default: .floatingPoint(doubleValue - other.doubleValue)
        }
    }
}

/// A numeric type whose values an ``Audited`` attribute can hold and record.
///
/// The standard integer types up to 64 bits and `Double` and `Float` conform.
/// A conforming type converts itself to an ``AuditValue`` without allocating,
/// names its zero (for ``AuditRule/nonNegative``), and says whether a value is
/// finite (for ``AuditRule/finite``).
public protocol AuditableValue: Comparable, Sendable {
    /// The value as the change log stores it.
    var auditValue: AuditValue { get }

    /// The type's zero, the lower bound of ``AuditRule/nonNegative``.
    static var auditZero: Self { get }

    /// Whether the value is finite; always `true` for integers.
    var isAuditFinite: Bool { get }
}

extension AuditableValue where Self: BinaryInteger {
    /// The integer's zero.
    @inlinable public static var auditZero: Self { 0 }

    /// Always `true`: integers are finite.
    @inlinable public var isAuditFinite: Bool { true }

    /// The integer as an ``AuditValue/integer(_:)``, clamped to `Int64`'s range.
    ///
    /// Only `UInt64` and `UInt` values above `Int64.max` are clamped.
    @inlinable public var auditValue: AuditValue { .integer(Int64(clamping: self)) }
}

extension AuditableValue where Self: BinaryFloatingPoint {
    /// The floating-point zero.
    @inlinable public static var auditZero: Self { 0 }

    /// Whether the value is neither infinite nor NaN.
    @inlinable public var isAuditFinite: Bool { isFinite }

    /// The value as an ``AuditValue/floatingPoint(_:)``, widened to `Double`.
    @inlinable public var auditValue: AuditValue { .floatingPoint(Double(self)) }
}

extension Int: AuditableValue {}
extension Int8: AuditableValue {}
extension Int16: AuditableValue {}
extension Int32: AuditableValue {}
extension Int64: AuditableValue {}
extension UInt: AuditableValue {}
extension UInt8: AuditableValue {}
extension UInt16: AuditableValue {}
extension UInt32: AuditableValue {}
extension UInt64: AuditableValue {}
extension Double: AuditableValue {}
extension Float: AuditableValue {}
