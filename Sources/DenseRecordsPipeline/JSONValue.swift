import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
/// A JSON value as read from a pipeline spec, with object keys kept in sorted order for stable reports.
public enum JSONValue: Hashable, Sendable, Codable, CustomStringConvertible {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number without a fraction or exponent that fits in `Int64`.
    case integer(Int64)
    /// Any other number.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object.
    case object([String: JSONValue])

    /// Decodes any JSON value.
    ///
    /// Specs are read with a stricter reader of their own (positions,
    /// repeated keys); this is for JSON values inside other `Codable` types.
    ///
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError` when the input is not a JSON value, such as a number beyond the `Double` range.
    /// - Complexity: O(*n*) in the value's size, times its nesting depth.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: JSONValue].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "expected a JSON value (null, boolean, number within the Double range, string, array or object)")
        }
    }

    /// Encodes the value as JSON.
    ///
    /// - Parameter encoder: The encoder.
    /// - Throws: What the encoder throws.
    /// - Complexity: O(*n*) in the value's size.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .integer(value): try container.encode(value)
        case let .number(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }

    /// The JSON type's name, as error messages show it: `string`, `integer`, `number`, …
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// A short rendering for error messages, such as `string "high"` or `integer 5`.
    public var description: String {
        switch self {
        case .null: "null"
        case let .bool(value): "boolean \(value)"
        case let .integer(value): "integer \(value)"
        case let .number(value): "number \(value)"
        case let .string(value): "string \"\(value.count > 60 ? String(value.prefix(60)) + "…" : value)\""
        case let .array(value): "array of \(value.count)"
        case .object: "object"
        }
    }
}
