import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
public import Foundation

/// Checks pipeline specs against a ``ComponentRegistry`` and builds runnable ``Pipeline``s.
///
/// Building happens in two phases, and nothing is opened, allocated or
/// started in either:
///
/// 1. **Validation.** Every entry is checked: its component is registered,
///    the factory's product type conforms to the protocol of the role the
///    entry uses it in (`RecordSource`, `RecordStage`, `RecordSink`), and its
///    parameters are all declared, present when required and well-typed,
///    and the factory's check finds nothing that spans parameters (`min`
///    above `max`) or that the product's initializer would trap on.
///    Every problem in the spec is collected; none stops the others.
/// 2. **Construction.** Only when validation found nothing, each factory is
///    called and its product checked again with a dynamic cast
///    (`as? any RecordStage`). Factories only record their configuration;
///    files are opened and memory acquired when the pipeline runs.
///
/// ```swift
/// let builder = PipelineBuilder(registry: .builtIn)
/// do {
///     let pipeline = try builder.build(specData)
///     let summary = try await pipeline.run()
/// } catch let error as PipelineSpecError {
///     for issue in error.issues { print(issue) }
/// }
/// ```
public struct PipelineBuilder: Sendable {
    /// The factories specs can name.
    public var registry: ComponentRegistry

    /// Creates a builder.
    ///
    /// - Parameter registry: The factories specs can name; ``ComponentRegistry/builtIn`` by default.
    public init(registry: ComponentRegistry = .builtIn) { self.registry = registry }

    /// Every problem in a spec, without constructing any component.
    ///
    /// A spec this finds nothing in builds: ``build(_:)-(Data)`` runs the same checks
    /// and then only calls the factories.
    ///
    /// - Parameter data: The spec's JSON text.
    /// - Returns: The problems in spec order; empty when the spec is valid.
    /// - Complexity: O(size of the spec).
    public func validate(_ data: Data) -> [PipelineSpecIssue] {
        checked(data).issues
    }

    /// Validates a spec and builds its pipeline.
    ///
    /// - Parameter data: The spec's JSON text.
    /// - Returns: A pipeline ready to ``Pipeline/run(progress:)``; nothing in it is open yet.
    /// - Throws: ``PipelineSpecError`` with every problem found.
    /// - Complexity: O(size of the spec), plus what the factories cost.
    public func build(_ data: Data) throws(PipelineSpecError) -> Pipeline {
        let result = checked(data)
        guard result.issues.isEmpty, let spec = result.spec else { throw PipelineSpecError(issues: result.issues) }
        return try construct(spec, parameters: result.parameters)
    }

    /// Validates a parsed spec and builds its pipeline.
    ///
    /// - Parameter spec: The spec.
    /// - Returns: A pipeline ready to run.
    /// - Throws: ``PipelineSpecError`` with every problem found.
    /// - Complexity: O(size of the spec), plus what the factories cost.
    public func build(_ spec: PipelineSpec) throws(PipelineSpecError) -> Pipeline {
        var issues: [PipelineSpecIssue] = []
        var parameters: [String: ComponentParameters] = [:]
        for entry in Self.entries(of: spec) {
            let (checkedParameters, entryIssues) = check(entry)
            issues += entryIssues
            if let checkedParameters { parameters[entry.location] = checkedParameters }
        }
        issues += Self.sameFileIssues(Self.entries(of: spec))
        guard issues.isEmpty else { throw PipelineSpecError(issues: issues) }
        return try construct(spec, parameters: parameters)
    }

    private struct Checked {
        var spec: PipelineSpec?
        var parameters: [String: ComponentParameters]
        var issues: [PipelineSpecIssue]
    }

    private func checked(_ data: Data) -> Checked {
        let (json, jsonIssues) = PipelineSpec.readJSON(data)
        guard let json else { return Checked(spec: nil, parameters: [:], issues: jsonIssues) }
        let parsed = PipelineSpec.parseCollecting(json)
        var issues = jsonIssues + parsed.issues
        var parameters: [String: ComponentParameters] = [:]
        for entry in parsed.entries {
            let (checkedParameters, entryIssues) = check(entry)
            issues += entryIssues
            if let checkedParameters { parameters[entry.location] = checkedParameters }
        }
        issues += Self.sameFileIssues(parsed.entries)
        return Checked(spec: parsed.spec, parameters: parameters, issues: issues)
    }

    /// A sink whose `path` is the same file as the source's `path` (same device
    /// and inode, or the same path) would truncate its own input: one issue per such sink.
    ///
    /// Only looks files up (`stat`); nothing is opened.
    static func sameFileIssues(_ entries: [PipelineSpec.Entry]) -> [PipelineSpecIssue] {
        func path(_ entry: PipelineSpec.Entry) -> String? {
            if case let .string(path)? = entry.parameters["path"] { return path }
            return nil
        }
        let inputs = entries.filter { $0.role == .source }.compactMap { entry in path(entry).map { (entry, $0, FileIdentity(path: $0)) } }
        var issues: [PipelineSpecIssue] = []
        for output in entries where output.role == .sink {
            guard let outputPath = path(output) else { continue }
            let outputIdentity = FileIdentity(path: outputPath)
            for (input, inputPath, inputIdentity) in inputs {
                let same = inputPath == outputPath
                    || (inputIdentity != nil && outputIdentity != nil && inputIdentity!.isSameFile(as: outputIdentity!))
                guard same else { continue }
                issues.append(PipelineSpecIssue(
                    location: "\(output.location).parameters.path", role: .sink, component: output.component, requirement: "path",
                    message: "sink \"\(output.name)\" would write \(outputPath), the same file as the input \(inputPath) of "
                        + "source \"\(input.name)\" (\(input.location).parameters.path); writing it would destroy the input"))
            }
        }
        return issues
    }

    private static func entries(of spec: PipelineSpec) -> [PipelineSpec.Entry] {
        var entries = [spec.source] + spec.stages + spec.sinks
        if case let .deadLetter(sink) = spec.onStageError { entries.append(sink) }
        return entries
    }

    /// Checks one entry against the registry: the component exists, conforms to the entry's role, and its parameters fit.
    private func check(_ entry: PipelineSpec.Entry) -> (ComponentParameters?, [PipelineSpecIssue]) {
        let role = entry.role
        guard let factory = registry.factory(named: entry.component) else {
            let candidates = registry.names(for: role)
            var message = "unknown component \"\(entry.component)\""
            if let suggestion = Self.closest(to: entry.component, in: registry.factories.keys.sorted()) {
                message += "; did you mean \"\(suggestion)\"?"
            }
            message += candidates.isEmpty
                ? " No \(role) components are registered."
                : " Registered \(role) components: \(candidates.joined(separator: ", "))"
            return (nil, [PipelineSpecIssue(location: "\(entry.location).component", role: role, component: entry.component, message: message)])
        }
        guard factory.productConforms(to: role) else {
            let message = "\(factory.typeName) is registered as a \(factory.role) and does not conform to \(role.protocolName), "
                + "which the \(role) role requires"
            return (nil, [PipelineSpecIssue(
                location: "\(entry.location).component", role: role, component: entry.component,
                typeName: factory.typeName, requirement: role.protocolName, message: message)])
        }
        var issues: [PipelineSpecIssue] = []
        func issue(_ parameter: String, _ message: String) {
            issues.append(PipelineSpecIssue(
                location: "\(entry.location).parameters.\(parameter)", role: role, component: entry.component,
                typeName: factory.typeName, requirement: parameter, message: message))
        }
        var values: [String: JSONValue] = [:]
        for (key, value) in entry.parameters.sorted(by: { $0.key < $1.key }) {
            guard let declaration = factory.parameter(named: key) else {
                let accepted = factory.parameters.map(\.name)
                var message = "unknown parameter \"\(key)\""
                if let suggestion = Self.closest(to: key, in: accepted) { message += "; did you mean \"\(suggestion)\"?" }
                message += accepted.isEmpty ? " This component takes no parameters." : " Accepted: \(accepted.joined(separator: ", "))"
                issue(key, message)
                continue
            }
            if value == .null, !declaration.isRequired {
                values[key] = declaration.defaultValue
                continue
            }
            switch declaration.kind.check(value) {
            case let .success(normalised): values[key] = normalised
            case let .failure(mismatch): issue(key, "parameter \"\(key)\" \(mismatch)")
            }
        }
        for declaration in factory.parameters where entry.parameters[declaration.name] == nil {
            if let defaultValue = declaration.defaultValue {
                values[declaration.name] = defaultValue
            } else {
                issue(declaration.name, "required parameter \"\(declaration.name)\" (\(declaration.kind)) is missing")
            }
        }
        guard issues.isEmpty else { return (nil, issues) }
        // The same check `make` relies on: what validates, builds.
        let parameters = ComponentParameters(values)
        for problem in factory.problems(with: parameters) { issue(problem.parameter, problem.description) }
        return issues.isEmpty ? (parameters, []) : (nil, issues)
    }

    /// Calls every factory; reports every construction failure together.
    private func construct(_ spec: PipelineSpec, parameters: [String: ComponentParameters]) throws(PipelineSpecError) -> Pipeline {
        var issues: [PipelineSpecIssue] = []
        // Made first, so that factories can record into it: it becomes the pipeline's log.
        let changeLog = ChangeLog(capacity: spec.changeLogCapacity)
        func make(_ entry: PipelineSpec.Entry) -> AnyObject? {
            guard let factory = registry.factory(named: entry.component), let values = parameters[entry.location] else {
                requirementFailed("PipelineBuilder: \(entry.location) was not validated")
            }
            let product: AnyObject
            do {
                product = try factory.make(values, ComponentContext(changeLog: changeLog, name: entry.name, role: entry.role))
            } catch let error as ComponentParameterError {
                issues.append(PipelineSpecIssue(
                    location: "\(entry.location).parameters.\(error.parameter)", role: entry.role, component: entry.component,
                    typeName: factory.typeName, requirement: error.parameter, message: error.description))
                return nil
            } catch {
                issues.append(PipelineSpecIssue(
                    location: entry.location, role: entry.role, component: entry.component, typeName: factory.typeName,
                    message: "could not be created: \(error)"))
                return nil
            }
            guard entry.role.isConformed(byInstance: product) else {
                let typeName = String(describing: type(of: product))
                issues.append(PipelineSpecIssue(
                    location: "\(entry.location).component", role: entry.role, component: entry.component, typeName: typeName,
                    requirement: entry.role.protocolName,
                    message: "the factory produced \(typeName), which does not conform to \(entry.role.protocolName)"))
                return nil
            }
            return product
        }
        let source = make(spec.source) as? any RecordSource
        let stages = spec.stages.map { make($0) as? any RecordStage }
        let sinks = spec.sinks.map { make($0) as? any RecordSink }
        var deadLetter: (any RecordSink)? = nil
        if case let .deadLetter(entry) = spec.onStageError { deadLetter = make(entry) as? any RecordSink }
        guard issues.isEmpty, let source else { throw PipelineSpecError(issues: issues) }
        var deadLetterName: String? = nil
        if case let .deadLetter(entry) = spec.onStageError { deadLetterName = entry.name }
        return Pipeline(
            source: .init(spec.source.name, source),
            stages: zip(spec.stages, stages).map { .init($0.name, $1!) },
            sinks: zip(spec.sinks, sinks).map { .init($0.name, $1!) },
            deadLetterSink: deadLetter.map { .init(deadLetterName ?? "dead-letter", $0) },
            batchSize: spec.batchSize, changeLog: changeLog)
    }

    /// The candidate within edit distance 2 of `name`, if any (for "did you mean").
    static func closest(to name: String, in candidates: [String]) -> String? {
        let target = Array(name.lowercased().utf8)
        var best: (String, Int)? = nil
        for candidate in candidates {
            let distance = editDistance(target, Array(candidate.lowercased().utf8))
            if distance <= 2, distance < (best?.1 ?? .max) { best = (candidate, distance) }
        }
        return best?.0
    }

    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
