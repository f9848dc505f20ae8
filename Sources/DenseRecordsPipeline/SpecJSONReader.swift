public import Foundation

/// A problem in a spec's JSON text, with the line and column where it is.
public struct SpecJSONProblem: Error, Hashable, Sendable, CustomStringConvertible {
    /// The 1-based line.
    public var line: Int
    /// The 1-based column, in characters.
    public var column: Int
    /// The spec path of the object holding a repeated key (`stages[0].parameters`), or `nil` for a syntax error.
    public var path: String?
    /// What is wrong, such as `expected ',' or '}' after an object member, found 'x'`.
    public var message: String

    /// `line 3, column 17: message`.
    public var description: String { "line \(line), column \(column): \(message)" }
}

/// A small, strict RFC 8259 JSON reader for pipeline specs.
///
/// Unlike `JSONSerialization` and `JSONDecoder`, it reports where a syntax
/// error is (line and column) and refuses an object that repeats a key,
/// which they accept silently (the last value wins). It allocates only for
/// the values it returns, nests at most ``maximumDepth`` levels, and never
/// traps, whatever the bytes.
struct SpecJSONReader {
    /// The deepest nesting of arrays and objects accepted.
    static let maximumDepth = 100

    /// The outcome: the value, or the first syntax error, plus every repeated key.
    struct Outcome {
        var value: JSONValue?
        var syntaxError: SpecJSONProblem?
        var duplicateKeys: [SpecJSONProblem]
    }

    private let bytes: [UInt8]
    private var offset = 0
    private var duplicates: [SpecJSONProblem] = []

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Reads one JSON value from `data`.
    ///
    /// - Parameter data: The text, UTF-8, optionally after a byte-order mark.
    /// - Returns: The value (nil after a syntax error) and every repeated key found before any syntax error.
    /// - Complexity: O(*n*) in the text's length.
    static func read(_ data: Data) -> Outcome {
        var reader = SpecJSONReader(Array(data))
        if reader.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.offset = 3 }
        do throws(SpecJSONProblem) {
            reader.skipWhitespace()
            let value = try reader.readValue(path: "", depth: 0)
            reader.skipWhitespace()
            if reader.offset < reader.bytes.count {
                throw reader.problem("unexpected \(reader.found()) after the JSON value")
            }
            return Outcome(value: value, syntaxError: nil, duplicateKeys: reader.duplicates)
        } catch {
            return Outcome(value: nil, syntaxError: error, duplicateKeys: reader.duplicates)
        }
    }

    // MARK: Positions and messages

    private func position(of target: Int) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        for index in 0..<Swift.min(target, bytes.count) where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        let prefix = bytes[lineStart..<Swift.max(lineStart, Swift.min(target, bytes.count))]
        return (line, String(decoding: prefix, as: UTF8.self).count + 1)
    }

    private func problem(_ message: String, at target: Int? = nil, path: String? = nil) -> SpecJSONProblem {
        let (line, column) = position(of: target ?? offset)
        return SpecJSONProblem(line: line, column: column, path: path, message: message)
    }

    /// The byte at the offset as a message shows it.
    private func found() -> String {
        guard offset < bytes.count else { return "the end of the text" }
        let byte = bytes[offset]
        if byte >= 0x21, byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        switch byte {
        case 0x20: return "a space"
        case 0x09, 0x0A, 0x0D: return "a line break or tab"
        case ..<0x20, 0x7F: return "control character 0x\(String(byte, radix: 16))"
        default: return "a non-ASCII character"
        }
    }

    // MARK: Grammar

    private mutating func skipWhitespace() {
        while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) { offset += 1 }
    }

    private mutating func expect(_ literal: String, as value: JSONValue) throws(SpecJSONProblem) -> JSONValue {
        let start = offset
        for byte in literal.utf8 {
            guard offset < bytes.count, bytes[offset] == byte else {
                throw problem("expected a JSON value (object, array, string, number, true, false or null), found \(foundWord(from: start))", at: start)
            }
            offset += 1
        }
        return value
    }

    /// The bare word starting at `start` (`tru`, `None`), for messages.
    private func foundWord(from start: Int) -> String {
        var end = start
        while end < bytes.count, end - start < 20, (bytes[end] >= 0x41 && bytes[end] <= 0x5A) || (bytes[end] >= 0x61 && bytes[end] <= 0x7A) {
            end += 1
        }
        if end == start {
            var copy = self
            copy.offset = start
            return copy.found()
        }
        return "'\(String(decoding: bytes[start..<end], as: UTF8.self))'"
    }

    private mutating func readValue(path: String, depth: Int) throws(SpecJSONProblem) -> JSONValue {
        guard offset < bytes.count else {
            throw problem("expected a JSON value (object, array, string, number, true, false or null), found the end of the text")
        }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return try readObject(path: path, depth: depth + 1)
        case UInt8(ascii: "["): return try readArray(path: path, depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): return try expect("true", as: .bool(true))
        case UInt8(ascii: "f"): return try expect("false", as: .bool(false))
        case UInt8(ascii: "n"): return try expect("null", as: .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        default:
            throw problem("expected a JSON value (object, array, string, number, true, false or null), found \(foundWord(from: offset))")
        }
    }

    private mutating func readObject(path: String, depth: Int) throws(SpecJSONProblem) -> JSONValue {
        guard depth <= Self.maximumDepth else { throw problem("arrays and objects nest deeper than \(Self.maximumDepth) levels") }
        offset += 1
        var members: [String: JSONValue] = [:]
        var firstSeen: [String: Int] = [:]
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
            offset += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
                throw problem("expected a member name in double quotes, found \(found())")
            }
            let keyStart = offset
            let key = try readString()
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else {
                throw problem("expected ':' after the member name \"\(key)\", found \(found())")
            }
            offset += 1
            skipWhitespace()
            let memberPath = path.isEmpty ? key : "\(path).\(key)"
            let value = try readValue(path: memberPath, depth: depth)
            if let first = firstSeen[key] {
                let (line, column) = position(of: first)
                duplicates.append(problem(
                    "repeats the key \"\(key)\" (first at line \(line), column \(column)); an object names each key once",
                    at: keyStart, path: memberPath))
            } else {
                firstSeen[key] = keyStart
                members[key] = value
            }
            skipWhitespace()
            guard offset < bytes.count else { throw problem("expected ',' or '}' after an object member, found the end of the text") }
            if bytes[offset] == UInt8(ascii: ",") {
                offset += 1
                continue
            }
            if bytes[offset] == UInt8(ascii: "}") {
                offset += 1
                return .object(members)
            }
            throw problem("expected ',' or '}' after an object member, found \(found())")
        }
    }

    private mutating func readArray(path: String, depth: Int) throws(SpecJSONProblem) -> JSONValue {
        guard depth <= Self.maximumDepth else { throw problem("arrays and objects nest deeper than \(Self.maximumDepth) levels") }
        offset += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
            offset += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try readValue(path: "\(path)[\(elements.count)]", depth: depth))
            skipWhitespace()
            guard offset < bytes.count else { throw problem("expected ',' or ']' after an array element, found the end of the text") }
            if bytes[offset] == UInt8(ascii: ",") {
                offset += 1
                continue
            }
            if bytes[offset] == UInt8(ascii: "]") {
                offset += 1
                return .array(elements)
            }
            throw problem("expected ',' or ']' after an array element, found \(found())")
        }
    }

    private mutating func readString() throws(SpecJSONProblem) -> String {
        let start = offset
        offset += 1
        var scalars = String.UnicodeScalarView()
        var runStart = offset
        func flush(_ end: Int) throws(SpecJSONProblem) {
            guard runStart < end else { return }
            guard let text = String(validating: bytes[runStart..<end], as: UTF8.self) else {
                throw problem("the string is not valid UTF-8", at: start)
            }
            scalars.append(contentsOf: text.unicodeScalars)
        }
        while true {
            guard offset < bytes.count else { throw problem("the string is not closed with '\"'", at: start) }
            let byte = bytes[offset]
            switch byte {
            case UInt8(ascii: "\""):
                try flush(offset)
                offset += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                try flush(offset)
                offset += 1
                scalars.append(try readEscape())
                runStart = offset
            case ..<0x20:
                throw problem("control character 0x\(String(byte, radix: 16)) in a string; write it as an escape such as \\n")
            default:
                offset += 1
            }
        }
    }

    private mutating func readEscape() throws(SpecJSONProblem) -> Unicode.Scalar {
        guard offset < bytes.count else { throw problem("the string is not closed with '\"'") }
        let byte = bytes[offset]
        offset += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let escapeStart = offset - 2
            let unit = try readHex4()
            if (0xD800..<0xDC00).contains(unit) {
                guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                    throw problem("\\u escape of a lone high surrogate", at: escapeStart)
                }
                offset += 2
                let low = try readHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw problem("\\u escape of a lone high surrogate", at: escapeStart) }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
            }
            guard let scalar = Unicode.Scalar(unit) else { throw problem("\\u escape of a lone low surrogate", at: escapeStart) }
            return scalar
        default:
            throw problem("invalid escape in a string: a backslash must be followed by one of \" \\ / b f n r t u", at: offset - 2)
        }
    }

    private mutating func readHex4() throws(SpecJSONProblem) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard offset < bytes.count else { throw problem("expected four hex digits after \\u, found the end of the text") }
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw problem("expected four hex digits after \\u, found \(found())")
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }

    private mutating func readNumber() throws(SpecJSONProblem) -> JSONValue {
        let start = offset
        func digits() -> Int {
            let first = offset
            while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) { offset += 1 }
            return offset - first
        }
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        let integerStart = offset
        guard digits() > 0 else { throw problem("expected a digit in the number, found \(found())") }
        if bytes[integerStart] == UInt8(ascii: "0"), offset - integerStart > 1 {
            throw problem("a number must not start with 0 followed by digits", at: start)
        }
        var isInteger = true
        if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
            isInteger = false
            offset += 1
            guard digits() > 0 else { throw problem("expected a digit after the decimal point, found \(found())") }
        }
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
            isInteger = false
            offset += 1
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            guard digits() > 0 else { throw problem("expected a digit in the exponent, found \(found())") }
        }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        if isInteger, let integer = Int64(text) { return .integer(integer) }
        guard let number = Double(text), number.isFinite else {
            throw problem("the number \(text.count > 40 ? String(text.prefix(40)) + "…" : text) is beyond the range of a 64-bit floating-point number", at: start)
        }
        return .number(number)
    }
}

extension JSONValue {
    /// Reads one JSON value strictly, as pipeline specs are read.
    ///
    /// Follows RFC 8259 and refuses what lenient parsers let through: an
    /// object that repeats a key, a number beyond the `Double` range, text
    /// that is not UTF-8, and nesting deeper than 100 levels. A UTF-8
    /// byte-order mark is skipped.
    ///
    /// - Parameter data: The JSON text.
    /// - Throws: ``SpecJSONProblem`` with the line and column of the first
    ///   syntax error, or else of the first repeated key.
    /// - Complexity: O(*n*) in the text's length.
    public init(parsing data: Data) throws(SpecJSONProblem) {
        let outcome = SpecJSONReader.read(data)
        if let syntaxError = outcome.syntaxError { throw syntaxError }
        if let duplicate = outcome.duplicateKeys.first { throw duplicate }
        guard let value = outcome.value else {
            throw SpecJSONProblem(line: 1, column: 1, path: nil, message: "no JSON value")
        }
        self = value
    }
}
