import DenseRecordsCore
import DenseRecordsPipeline
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Foundation
import Testing

/// How a spec's JSON text is read: positions, repeated keys, unknown keys, types.
@Suite("Spec JSON")
struct SpecJSONTests {
    let builder = PipelineBuilder(registry: .builtIn)

    @Test func aSyntaxErrorGivesItsLineAndColumn() {
        let issues = builder.validate(json: """
            {"source": {"component": "synthetic"},
             "sinks": [{"component": "arena"}],
             "x": tru }
            """)
        #expect(issues.map(\.description) == [
            "(spec): is not valid JSON: line 3, column 7: expected a JSON value (object, array, string, number, true, false or null), found 'tru'"
        ])
    }

    @Test func aMissingCommaIsLocated() {
        let issues = builder.validate(json: "{\"source\": {\"component\": \"synthetic\"}\n  \"sinks\": []}")
        #expect(issues.map(\.message) == [
            "is not valid JSON: line 2, column 3: expected ',' or '}' after an object member, found '\"'"
        ])
    }

    @Test func aRepeatedKeyIsRefusedWithBothPositions() {
        let issues = builder.validate(json: """
            {"source": {"component": "synthetic", "parameters": {"records": 1, "records": 2}},
             "sinks": [{"component": "arena"}]}
            """)
        #expect(issues.map(\.location) == ["source.parameters.records"])
        #expect(issues.first?.message == #"line 1, column 68: repeats the key "records" (first at line 1, column 54); an object names each key once"#)
        #expect(throws: PipelineSpecError.self) { try builder.build(json: "{\"sinks\": [], \"sinks\": [{\"component\": \"arena\"}], \"source\": {\"component\": \"synthetic\"}}") }
    }

    @Test func aRepeatedKeyDoesNotHideOtherProblems() {
        let issues = builder.validate(json: """
            {"source": {"component": "synthetic"}, "source": {"component": "synthetic"}, "sinks": [{"component": "arena"}], "stgaes": []}
            """)
        #expect(issues.map(\.location) == ["source", "stgaes"])
    }

    @Test func unknownKeysSuggestTheClosestKnownOne() {
        let issues = builder.validate(json: """
            {"source": {"component": "synthetic", "parmeters": {}}, "sinks": [{"component": "arena"}], "stgaes": [],
             "onStageError": {"polcy": "stop"}, "zzz": 1}
            """)
        #expect(issues.map(\.description) == [
            #"stgaes: unknown key "stgaes"; did you mean "stages"? A spec has "batchSize", "changeLogCapacity", "source", "stages", "sinks", "onStageError""#,
            #"zzz: unknown key "zzz". A spec has "batchSize", "changeLogCapacity", "source", "stages", "sinks", "onStageError""#,
            #"source.parmeters: unknown key "parmeters"; did you mean "parameters"? A component entry has "component", "name", "parameters""#,
            #"onStageError.polcy: unknown key "polcy"; did you mean "policy"? An onStageError object has "policy", "sink" ("sink" for deadLetter only)"#,
            #"onStageError.policy: must be "stop" or "deadLetter", found nothing"#,
        ])
    }

    @Test func aNumberBeyondDoubleSaysWhatWasExpected() {
        let issues = builder.validate(json: #"{"source": {"component": "synthetic", "parameters": {"records": 1e999}}, "sinks": [{"component": "arena"}]}"#)
        #expect(issues.count == 1)
        let message = issues.first?.message ?? ""
        #expect(!message.contains("Dictionary"), "\(message)")
        #expect(message == "is not valid JSON: line 1, column 65: the number 1e999 is beyond the range of a 64-bit floating-point number")
    }

    @Test func aWrongTypeNamesTheExpectedType() {
        let issues = builder.validate(json: #"{"source": "synthetic", "sinks": {"component": "arena"}}"#)
        #expect(issues.map(\.message) == [
            #"must be an object with "component", found string "synthetic""#,
            "must be an array, found object",
        ])
    }

    // MARK: The reader

    @Test func valuesAreReadAsRFC8259Says() throws {
        let text = #"  {"a": [1, -0, 2.5, 1E3, -9223372036854775808, 9223372036854775808], "s": "\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "t": true, "f": false, "n": null}"#
        let value = try JSONValue(parsing: Data(text.utf8))
        #expect(value == .object([
            "a": .array([.integer(1), .integer(0), .number(2.5), .number(1000), .integer(.min), .number(9223372036854775808)]),
            "s": .string("\"\\/\u{08}\u{0C}\n\r\té😀"), "t": .bool(true), "f": .bool(false), "n": .null,
        ]))
        #expect(try JSONValue(parsing: Data([0xEF, 0xBB, 0xBF] + Array("[]".utf8))) == .array([]))
    }

    @Test(arguments: [
        ("", "line 1, column 1: expected a JSON value (object, array, string, number, true, false or null), found the end of the text"),
        ("[1,]", "line 1, column 4: expected a JSON value (object, array, string, number, true, false or null), found ']'"),
        ("{\"a\" 1}", "line 1, column 6: expected ':' after the member name \"a\", found '1'"),
        ("{a: 1}", "line 1, column 2: expected a member name in double quotes, found 'a'"),
        ("01", "line 1, column 1: a number must not start with 0 followed by digits"),
        ("1.", "line 1, column 3: expected a digit after the decimal point, found the end of the text"),
        ("-", "line 1, column 2: expected a digit in the number, found the end of the text"),
        ("\"abc", "line 1, column 1: the string is not closed with '\"'"),
        ("\"a\tb\"", "line 1, column 3: control character 0x9 in a string; write it as an escape such as \\n"),
        ("\"\\x\"", "line 1, column 2: invalid escape in a string: a backslash must be followed by one of \" \\ / b f n r t u"),
        ("\"\\ud800\"", "line 1, column 2: \\u escape of a lone high surrogate"),
        ("\"\\udc00\"", "line 1, column 2: \\u escape of a lone low surrogate"),
        ("\"\\u12g4\"", "line 1, column 6: expected four hex digits after \\u, found 'g'"),
        ("[] []", "line 1, column 4: unexpected '[' after the JSON value"),
        ("NaN", "line 1, column 1: expected a JSON value (object, array, string, number, true, false or null), found 'NaN'"),
        ("é", "line 1, column 1: expected a JSON value (object, array, string, number, true, false or null), found a non-ASCII character"),
        ("{\"é\": x}", "line 1, column 7: expected a JSON value (object, array, string, number, true, false or null), found 'x'"),
    ])
    func malformedTextIsRefusedWithAPosition(text: String, expected: String) {
        #expect(throws: SpecJSONProblem.self) { try JSONValue(parsing: Data(text.utf8)) }
        do {
            _ = try JSONValue(parsing: Data(text.utf8))
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test func invalidUTF8AndDeepNestingAreRefused() {
        #expect(throws: SpecJSONProblem.self) { try JSONValue(parsing: Data([0x22, 0xFF, 0x22])) }
        #expect(throws: SpecJSONProblem.self) { try JSONValue(parsing: Data((String(repeating: "[", count: 101) + String(repeating: "]", count: 101)).utf8)) }
        #expect(throws: Never.self) { try JSONValue(parsing: Data((String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).utf8)) }
        // Far deeper than the limit: refused at the limit, without exhausting the stack.
        #expect(throws: SpecJSONProblem.self) { try JSONValue(parsing: Data(String(repeating: "{\"a\":[", count: 100_000).utf8)) }
    }

    /// Random mutations of a valid spec and random bytes: the reader never
    /// traps, and whatever it accepts round-trips through JSONEncoder, and is
    /// accepted by JSONSerialization too.
    @Test func mutatedTextNeverTrapsAndAcceptedTextRoundTrips() throws {
        let seedText = Array("""
            {"batchSize": 100, "source": {"component": "synthetic", "parameters": {"records": 10, "gapProbability": 0.5e-1}},
             "stages": [{"component": "validate", "name": "r\\u00e9", "parameters": {"min": -1, "max": null, "units": ["celsius"]}}],
             "sinks": [{"component": "arena"}], "onStageError": "stop", "x": [true, false, [], {}]}
            """.utf8)
        var generator = SeededRandomNumberGenerator(seed: 7)
        let alphabet = Array("{}[]\":,\\ -+.0123456789eEtrufalsn\u{00}\n\t".utf8) + [0xC3, 0xA9, 0xFF]
        var accepted = 0
        for round in 0..<4_000 {
            var bytes: [UInt8]
            if round % 10 == 0 {
                bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            } else {
                bytes = seedText
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let position = Int.random(in: 0...bytes.count, using: &generator)
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0 where position < bytes.count: bytes.remove(at: position)
                    case 1 where position < bytes.count: bytes[position] = alphabet.randomElement(using: &generator)!
                    default: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
                    }
                }
            }
            let data = Data(bytes)
            _ = builder.validate(data)
            guard let value = try? JSONValue(parsing: data) else { continue }
            accepted += 1
            let encoded = try JSONEncoder().encode(value)
            #expect(numbersAsDoubles(try JSONValue(parsing: encoded)) == numbersAsDoubles(value),
                "round trip of \(String(decoding: bytes, as: UTF8.self))")
            #expect((try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil,
                "JSONSerialization refuses what the reader accepted: \(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(accepted > 100)
    }
}

/// `value` with every integer as a double, since JSONEncoder writes `1000.0` as `1000`.
private func numbersAsDoubles(_ value: JSONValue) -> JSONValue {
    switch value {
    case let .integer(integer): .number(Double(integer))
    case let .array(elements): .array(elements.map(numbersAsDoubles))
    case let .object(members): .object(members.mapValues(numbersAsDoubles))
    default: value
    }
}
