import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
public import Foundation

/// A parsed pipeline spec: which components fill which roles, with which parameters.
///
/// A spec is JSON:
///
/// ```json
/// {
///   "batchSize": 99864,
///   "source": { "component": "csv-reader", "parameters": { "path": "readings.csv", "onMalformedLine": "skip" } },
///   "stages": [ { "component": "validate", "name": "range", "parameters": { "min": -40, "max": 125 } } ],
///   "sinks": [ { "component": "arena" } ],
///   "onStageError": { "policy": "deadLetter", "sink": { "component": "csv-writer", "parameters": { "path": "dead.csv" } } }
/// }
/// ```
///
/// `stages` may be left out; `onStageError` defaults to `{"policy": "stop"}`
/// (the string `"stop"` is accepted too). ``parse(_:)-(Data)`` checks the spec's
/// shape; ``PipelineBuilder`` checks it against a registry.
public struct PipelineSpec: Hashable, Sendable {
    /// One component entry.
    public struct Entry: Hashable, Sendable {
        /// The entry's spec path, such as `stages[1]`.
        public var location: String
        /// The role the entry fills.
        public var role: ComponentRole
        /// The registered component name.
        public var component: String
        /// The name used in metrics and the summary; defaults to the component name, made unique.
        public var name: String
        /// The parameters as written.
        public var parameters: [String: JSONValue]
    }

    /// What happens when a stage throws.
    public enum StageErrorPolicy: Hashable, Sendable {
        /// Stop the run; the failing batch is counted as unprocessed.
        case stop
        /// Send the failing batch, as it was before the stage, to this sink, and go on.
        case deadLetter(Entry)
    }

    /// Records per batch.
    public var batchSize: Int
    /// Events the stage metrics' change log keeps.
    public var changeLogCapacity: Int
    /// The source.
    public var source: Entry
    /// The stages, in order.
    public var stages: [Entry]
    /// The sinks; each receives every output batch.
    public var sinks: [Entry]
    /// The stage-error policy.
    public var onStageError: StageErrorPolicy

    static let topLevelKeys = ["batchSize", "changeLogCapacity", "source", "stages", "sinks", "onStageError"]
    static let entryKeys = ["component", "name", "parameters"]

    /// Parses and shape-checks a spec, reporting every problem at once.
    ///
    /// The JSON is read strictly: a syntax error is reported with its line
    /// and column, and an object that repeats a key is refused (JSON parsers
    /// that keep the last value would silently drop the first).
    ///
    /// - Parameter data: The spec's JSON text, UTF-8.
    /// - Returns: The spec, or every problem found.
    /// - Complexity: O(size of the spec).
    public static func parse(_ data: Data) -> Result<PipelineSpec, PipelineSpecError> {
        let (json, jsonIssues) = readJSON(data)
        guard let json else { return .failure(PipelineSpecError(issues: jsonIssues)) }
        let parsed = parseCollecting(json)
        let issues = jsonIssues + parsed.issues
        if let spec = parsed.spec, issues.isEmpty { return .success(spec) }
        return .failure(PipelineSpecError(issues: issues))
    }

    /// Reads the spec's JSON text: the value (`nil` after a syntax error) and its issues.
    ///
    /// A syntax error is one issue at `(spec)`; each repeated key is an issue at its
    /// path, and the value (with the first occurrence of each key) can still be
    /// shape-checked, so the other problems are reported too.
    static func readJSON(_ data: Data) -> (JSONValue?, [PipelineSpecIssue]) {
        let outcome = SpecJSONReader.read(data)
        var issues = outcome.duplicateKeys.map { duplicate in
            PipelineSpecIssue(location: duplicate.path ?? "(spec)", message: duplicate.description)
        }
        if let syntaxError = outcome.syntaxError {
            issues.append(PipelineSpecIssue(location: "(spec)", message: "is not valid JSON: \(syntaxError)"))
        }
        return (outcome.value, issues)
    }

    /// `unknown key "stgaes"; did you mean "stages"? A spec has …`.
    static func unknownKey(_ key: String, among keys: [String], what: String) -> String {
        var message = "unknown key \"\(key)\""
        if let suggestion = PipelineBuilder.closest(to: key, in: keys) {
            message += "; did you mean \"\(suggestion)\"?"
        } else {
            message += "."
        }
        return message + " \(what) has \(keys.map { "\"\($0)\"" }.joined(separator: ", "))"
    }

    /// Shape-checks a spec given as a JSON value, reporting every problem at once.
    ///
    /// - Parameter json: The spec.
    /// - Returns: The spec, or every problem found.
    /// - Complexity: O(size of the spec).
    public static func parse(_ json: JSONValue) -> Result<PipelineSpec, PipelineSpecError> {
        let parsed = parseCollecting(json)
        if let spec = parsed.spec, parsed.issues.isEmpty { return .success(spec) }
        return .failure(PipelineSpecError(issues: parsed.issues))
    }

    /// The outcome of shape-checking: the well-formed entries (for further
    /// checks against a registry) and every shape problem.
    struct Parsed {
        var spec: PipelineSpec?
        var entries: [Entry]
        var issues: [PipelineSpecIssue]
    }

    static func parseCollecting(_ json: JSONValue) -> Parsed {
        var issues: [PipelineSpecIssue] = []
        guard case let .object(top) = json else {
            return Parsed(spec: nil, entries: [], issues: [PipelineSpecIssue(location: "(spec)", message: "must be a JSON object, found \(json)")])
        }
        for key in top.keys.sorted() where !topLevelKeys.contains(key) {
            issues.append(PipelineSpecIssue(location: key, message: unknownKey(key, among: topLevelKeys, what: "A spec")))
        }
        func positiveInteger(_ key: String, default value: Int, limit: Int) -> Int {
            guard let raw = top[key] else { return value }
            guard case let .integer(integer) = raw, integer >= 1, integer <= limit else {
                issues.append(PipelineSpecIssue(location: key, requirement: key, message: "must be an integer in 1...\(limit), found \(raw)"))
                return value
            }
            return Int(integer)
        }
        let batchSize = positiveInteger("batchSize", default: RecordArena.recordsPerChunk, limit: 16 * RecordArena.recordsPerChunk)
        let changeLogCapacity = positiveInteger("changeLogCapacity", default: 4_096, limit: 1 << 24)

        var names: Set<String> = []
        func entry(_ value: JSONValue?, at location: String, role: ComponentRole) -> Entry? {
            guard let value else {
                issues.append(PipelineSpecIssue(location: location, role: role, message: "is missing; every pipeline needs a \(role)"))
                return nil
            }
            guard case let .object(object) = value else {
                issues.append(PipelineSpecIssue(
                    location: location, role: role, message: "must be an object with \"component\", found \(value)"))
                return nil
            }
            var ok = true
            for key in object.keys.sorted() where !entryKeys.contains(key) {
                issues.append(PipelineSpecIssue(
                    location: "\(location).\(key)", role: role, message: unknownKey(key, among: entryKeys, what: "A component entry")))
                ok = false
            }
            var component = ""
            switch object["component"] {
            case let .string(name)? where name.isEmpty:
                issues.append(PipelineSpecIssue(location: "\(location).component", role: role, message: "must not be empty"))
                ok = false
            case let .string(name)?: component = name
            case nil:
                issues.append(PipelineSpecIssue(location: "\(location).component", role: role, message: "is missing"))
                ok = false
            case let other?:
                issues.append(PipelineSpecIssue(location: "\(location).component", role: role, message: "must be a string, found \(other)"))
                ok = false
            }
            var parameters: [String: JSONValue] = [:]
            switch object["parameters"] {
            case let .object(values)?: parameters = values
            case nil: break
            case let other?:
                issues.append(PipelineSpecIssue(
                    location: "\(location).parameters", role: role, component: component.isEmpty ? nil : component,
                    message: "must be an object, found \(other)"))
                ok = false
            }
            var name = component
            switch object["name"] {
            case let .string(given)? where given.isEmpty:
                issues.append(PipelineSpecIssue(
                    location: "\(location).name", role: role, message: "must not be empty; leave \"name\" out to use the component name"))
                ok = false
            case let .string(given)?:
                name = given
                if !names.insert(given).inserted {
                    issues.append(PipelineSpecIssue(
                        location: "\(location).name", role: role, message: "\"\(given)\" is used by another entry; names must be unique"))
                    ok = false
                }
            case nil:
                var suffix = 2
                while names.contains(name) {
                    name = "\(component)-\(suffix)"
                    suffix += 1
                }
                names.insert(name)
            case let other?:
                issues.append(PipelineSpecIssue(location: "\(location).name", role: role, message: "must be a string, found \(other)"))
                ok = false
            }
            return ok ? Entry(location: location, role: role, component: component, name: name, parameters: parameters) : nil
        }
        func entries(_ key: String, role: ComponentRole, required: Bool) -> [Entry?] {
            guard let value = top[key] else {
                if required { issues.append(PipelineSpecIssue(location: key, role: role, message: "is missing; list at least one \(role)")) }
                return []
            }
            guard case let .array(elements) = value else {
                issues.append(PipelineSpecIssue(location: key, role: role, message: "must be an array, found \(value)"))
                return [nil]
            }
            if required, elements.isEmpty {
                issues.append(PipelineSpecIssue(location: key, role: role, message: "must list at least one \(role)"))
            }
            return elements.enumerated().map { entry($0.element, at: "\(key)[\($0.offset)]", role: role) }
        }

        let source = entry(top["source"], at: "source", role: .source)
        let stages = entries("stages", role: .stage, required: false)
        let sinks = entries("sinks", role: .sink, required: true)
        var policy: StageErrorPolicy? = .stop
        switch top["onStageError"] {
        case nil, .string("stop")?: policy = .stop
        case let .object(object)?:
            for key in object.keys.sorted() where key != "policy" && key != "sink" {
                issues.append(PipelineSpecIssue(
                    location: "onStageError.\(key)",
                    message: unknownKey(key, among: ["policy", "sink"], what: "An onStageError object") + " (\"sink\" for deadLetter only)"))
            }
            switch object["policy"] {
            case .string("stop")?:
                policy = .stop
                if object["sink"] != nil {
                    issues.append(PipelineSpecIssue(location: "onStageError.sink", message: "is only used with \"policy\": \"deadLetter\""))
                }
            case .string("deadLetter")?:
                if let sink = entry(object["sink"], at: "onStageError.sink", role: .sink) {
                    policy = .deadLetter(sink)
                } else {
                    policy = nil
                }
            case let other:
                issues.append(PipelineSpecIssue(
                    location: "onStageError.policy", requirement: "policy",
                    message: "must be \"stop\" or \"deadLetter\", found \(other.map(\.description) ?? "nothing")"))
                policy = nil
            }
        case let other?:
            issues.append(PipelineSpecIssue(
                location: "onStageError", message: "must be \"stop\" or an object with \"policy\", found \(other)"))
            policy = nil
        }
        var wellFormed = [source].compactMap { $0 } + stages.compactMap { $0 } + sinks.compactMap { $0 }
        if case let .deadLetter(sink)? = policy { wellFormed.append(sink) }
        guard issues.isEmpty, let source, let policy else {
            return Parsed(spec: nil, entries: wellFormed, issues: issues)
        }
        let spec = PipelineSpec(
            batchSize: batchSize, changeLogCapacity: changeLogCapacity, source: source,
            stages: stages.compactMap { $0 }, sinks: sinks.compactMap { $0 }, onStageError: policy)
        return Parsed(spec: spec, entries: wellFormed, issues: [])
    }
}
