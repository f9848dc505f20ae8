import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
/// The type and constraints of one parameter a component factory accepts.
public enum ParameterKind: Hashable, Sendable, CustomStringConvertible {
    /// Any string.
    case string
    /// An integer, optionally within a range.
    case integer(ClosedRange<Int64>? = nil)
    /// A number (an integer is accepted too), optionally within a range. Must be finite.
    case number(ClosedRange<Double>? = nil)
    /// A finite number (an integer is accepted too) in a half-open range, such as a probability below 1.
    case halfOpenNumber(Range<Double>)
    /// `true` or `false`.
    case boolean
    /// One of a fixed set of strings.
    case choice([String])
    /// An array of strings, each one of a fixed set, none repeated; at least one element.
    case choices([String])

    /// Checks `value` against the kind.
    ///
    /// - Parameter value: The value from the spec.
    /// - Returns: The normalised value (an integer given for a number becomes
    ///   a number), or a message that says what was expected and what was found.
    /// - Complexity: O(*n*) in the value's elements times the options.
    public func check(_ value: JSONValue) -> Result<JSONValue, ParameterKindMismatch> {
        switch (self, value) {
        case (.string, .string): return .success(value)
        case let (.integer(range), .integer(integer)):
            if let range, !range.contains(integer) {
                return .failure(ParameterKindMismatch("must be in \(range.lowerBound)...\(range.upperBound), found \(integer)"))
            }
            return .success(value)
        case let (.number(range), .integer(integer)):
            return Self.number(range).check(.number(Double(integer)))
        case let (.number(range), .number(number)):
            guard number.isFinite else { return .failure(ParameterKindMismatch("must be finite, found \(number)")) }
            if let range, !range.contains(number) {
                return .failure(ParameterKindMismatch("must be in \(range.lowerBound)...\(range.upperBound), found \(number)"))
            }
            return .success(value)
        case let (.halfOpenNumber(range), .integer(integer)):
            return Self.halfOpenNumber(range).check(.number(Double(integer)))
        case let (.halfOpenNumber(range), .number(number)):
            guard number.isFinite else { return .failure(ParameterKindMismatch("must be finite, found \(number)")) }
            guard range.contains(number) else {
                return .failure(ParameterKindMismatch("must be in \(range.lowerBound)..<\(range.upperBound), found \(number)"))
            }
            return .success(.number(number))
        case (.boolean, .bool): return .success(value)
        case let (.choice(options), .string(string)):
            guard options.contains(string) else {
                return .failure(ParameterKindMismatch("must be one of \(Self.list(options)), found \"\(string)\""))
            }
            return .success(value)
        case let (.choices(options), .array(elements)):
            guard !elements.isEmpty else { return .failure(ParameterKindMismatch("must not be empty")) }
            var seen: Set<String> = []
            for element in elements {
                guard case let .string(string) = element, options.contains(string) else {
                    return .failure(ParameterKindMismatch("elements must be among \(Self.list(options)), found \(element)"))
                }
                guard seen.insert(string).inserted else {
                    return .failure(ParameterKindMismatch("lists \"\(string)\" twice; name each at most once"))
                }
            }
            return .success(value)
        default:
            return .failure(ParameterKindMismatch("expects \(self), found \(value)"))
        }
    }

    static func list(_ options: [String]) -> String { options.map { "\"\($0)\"" }.joined(separator: ", ") }

    /// `a string`, `an integer in 1...100`, `one of "skip", "fail"`, …
    public var description: String {
        switch self {
        case .string: "a string"
        case let .integer(range): range.map { "an integer in \($0.lowerBound)...\($0.upperBound)" } ?? "an integer"
        case let .number(range): range.map { "a number in \($0.lowerBound)...\($0.upperBound)" } ?? "a number"
        case let .halfOpenNumber(range): "a number in \(range.lowerBound)..<\(range.upperBound)"
        case .boolean: "a boolean"
        case let .choice(options): "one of \(Self.list(options))"
        case let .choices(options): "an array of \(Self.list(options))"
        }
    }
}

/// Why a value does not fit a ``ParameterKind``.
public struct ParameterKindMismatch: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was expected and what was found.
    public var description: String
    init(_ description: String) { self.description = description }
}

/// One parameter a component factory declares.
public struct ParameterSpec: Hashable, Sendable {
    /// The parameter's key in the spec's `parameters` object.
    public var name: String
    /// Its type and constraints.
    public var kind: ParameterKind
    /// The value used when the spec leaves it out, or `nil` if the parameter is required.
    public var defaultValue: JSONValue?
    /// One line for `validate` output and documentation.
    public var summary: String

    /// Declares a required parameter.
    ///
    /// - Parameters:
    ///   - name: The key.
    ///   - kind: The type and constraints.
    ///   - summary: One line of documentation.
    /// - Returns: The declaration.
    public static func required(_ name: String, _ kind: ParameterKind, _ summary: String = "") -> ParameterSpec {
        ParameterSpec(name: name, kind: kind, defaultValue: nil, summary: summary)
    }

    /// Declares an optional parameter with a default.
    ///
    /// - Parameters:
    ///   - name: The key.
    ///   - kind: The type and constraints; `defaultValue` must fit them.
    ///   - defaultValue: The value used when the spec leaves the parameter out.
    ///   - summary: One line of documentation.
    /// - Returns: The declaration.
    public static func optional(
        _ name: String, _ kind: ParameterKind, default defaultValue: JSONValue, _ summary: String = ""
    ) -> ParameterSpec {
        ParameterSpec(name: name, kind: kind, defaultValue: defaultValue, summary: summary)
    }

    /// Whether the spec must give the parameter.
    public var isRequired: Bool { defaultValue == nil }
}

/// The checked parameters handed to a component factory: declared, well-typed, defaults filled in.
///
/// Read them with the typed accessors. Asking for a parameter the factory did
/// not declare, or as the wrong type, throws ``ComponentParameterError``,
/// which the builder reports under the parameter's spec location.
public struct ComponentParameters: Sendable {
    /// The values by name.
    public let values: [String: JSONValue]

    /// Creates parameters from checked values.
    ///
    /// - Parameter values: The values by name.
    public init(_ values: [String: JSONValue]) { self.values = values }

    private func value(_ name: String) throws(ComponentParameterError) -> JSONValue {
        guard let value = values[name] else { throw ComponentParameterError(parameter: name, message: "is missing") }
        return value
    }

    /// The string parameter `name`.
    ///
    /// - Parameter name: The parameter.
    /// - Returns: Its value.
    /// - Throws: ``ComponentParameterError`` if it is missing or not a string.
    public func string(_ name: String) throws(ComponentParameterError) -> String {
        guard case let .string(string) = try value(name) else {
            throw ComponentParameterError(parameter: name, message: "is not a string")
        }
        return string
    }

    /// The integer parameter `name`.
    ///
    /// - Parameter name: The parameter.
    /// - Returns: Its value.
    /// - Throws: ``ComponentParameterError`` if it is missing or not an integer.
    public func integer(_ name: String) throws(ComponentParameterError) -> Int {
        guard case let .integer(integer) = try value(name), let result = Int(exactly: integer) else {
            throw ComponentParameterError(parameter: name, message: "is not an integer")
        }
        return result
    }

    /// The number parameter `name`; an integer is converted.
    ///
    /// - Parameter name: The parameter.
    /// - Returns: Its value.
    /// - Throws: ``ComponentParameterError`` if it is missing or not a number.
    public func number(_ name: String) throws(ComponentParameterError) -> Double {
        switch try value(name) {
        case let .number(number): return number
        case let .integer(integer): return Double(integer)
        default: throw ComponentParameterError(parameter: name, message: "is not a number")
        }
    }

    /// The number parameter `name`, or `nil` when the spec gave `null` or nothing.
    ///
    /// - Parameter name: The parameter.
    /// - Returns: Its value or `nil`.
    /// - Throws: ``ComponentParameterError`` if it is present and not a number.
    public func optionalNumber(_ name: String) throws(ComponentParameterError) -> Double? {
        guard let value = values[name], value != .null else { return nil }
        return try number(name)
    }

    /// The boolean parameter `name`.
    ///
    /// - Parameter name: The parameter.
    /// - Returns: Its value.
    /// - Throws: ``ComponentParameterError`` if it is missing or not a boolean.
    public func boolean(_ name: String) throws(ComponentParameterError) -> Bool {
        guard case let .bool(bool) = try value(name) else {
            throw ComponentParameterError(parameter: name, message: "is not a boolean")
        }
        return bool
    }

    /// The array-of-strings parameter `name`.
    ///
    /// - Parameter name: The parameter.
    /// - Returns: Its value.
    /// - Throws: ``ComponentParameterError`` if it is missing or not an array of strings.
    public func strings(_ name: String) throws(ComponentParameterError) -> [String] {
        guard case let .array(elements) = try value(name) else {
            throw ComponentParameterError(parameter: name, message: "is not an array")
        }
        var result: [String] = []
        for element in elements {
            guard case let .string(string) = element else {
                throw ComponentParameterError(parameter: name, message: "has an element that is not a string")
            }
            result.append(string)
        }
        return result
    }
}

/// A problem a factory found with one of its parameters, such as `min` greater than `max`.
///
/// Throw it from a factory; the builder reports it under `…parameters.<parameter>`.
public struct ComponentParameterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The parameter at fault.
    public var parameter: String
    /// What is wrong, phrased to follow the parameter's name (`must not exceed "max"`).
    public var message: String

    /// Creates the error.
    ///
    /// - Parameters:
    ///   - parameter: The parameter at fault.
    ///   - message: What is wrong.
    public init(parameter: String, message: String) {
        self.parameter = parameter
        self.message = message
    }

    /// `parameter "max" must not be below "min"`.
    public var description: String { "parameter \"\(parameter)\" \(message)" }
}
