import DenseRecordsArena

/// A sink that hands out what it produced, for ``Pipeline/output(of:as:)``.
///
/// Conform a sink that builds something in memory, such as an arena, so that
/// callers reach it by name and type instead of downcasting the component.
public protocol RecordOutputProducing: RecordSink {
    /// The types ``takeOutput(as:)`` can hand out, for error messages.
    var outputTypes: [Any.Type] { get }

    /// Hands over the sink's output as `type`, or `nil` if the sink does not produce that type.
    ///
    /// ``Pipeline/output(of:as:)`` calls it at most once per sink, after a
    /// completed run, and keeps the result; the sink may move its output out.
    ///
    /// - Parameter type: The type asked for.
    /// - Returns: The output, or `nil`.
    func takeOutput(as type: Any.Type) -> Any?
}

extension RecordArenaSink: RecordOutputProducing {
    /// ``SealedRecords``.
    public var outputTypes: [Any.Type] { [SealedRecords.self] }

    /// Seals the arena (no copy) when asked for ``SealedRecords``.
    ///
    /// - Parameter type: ``SealedRecords``.
    /// - Returns: The sealed records; the sink's ``arena`` is empty afterwards.
    /// - Complexity: O(*c*) in the arena's chunks.
    public func takeOutput(as type: Any.Type) -> Any? {
        type == SealedRecords.self ? seal() : nil
    }
}

/// Why ``Pipeline/output(of:as:)`` could not hand over a sink's output.
public enum PipelineOutputError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The pipeline has not run, or its run did not complete (`outcome`): a failed run commits no output.
    case runNotCompleted(outcome: PipelineOutcome?)
    /// No sink has that name; `sinks` lists the names there are.
    case unknownSink(name: String, sinks: [String])
    /// The sink exists but produces nothing to hand out (it is not ``RecordOutputProducing``).
    case noOutput(sink: String, typeName: String)
    /// The sink produces other types than the one asked for.
    case wrongType(sink: String, requested: String, available: [String])

    /// A sentence naming the sink and what was wrong.
    public var description: String {
        switch self {
        case .runNotCompleted(nil):
            "the pipeline has not run: outputs exist only after a completed run"
        case let .runNotCompleted(outcome?):
            "the pipeline's run did not complete (\(outcome)): a failed or cancelled run has no output"
        case let .unknownSink(name, sinks):
            "no sink is named \"\(name)\"; the sinks are \(sinks.map { "\"\($0)\"" }.joined(separator: ", "))"
        case let .noOutput(sink, typeName):
            "sink \"\(sink)\" (\(typeName)) produces no output to hand out; it is not RecordOutputProducing"
        case let .wrongType(sink, requested, available):
            "sink \"\(sink)\" produces \(available.joined(separator: " or ")), not \(requested)"
        }
    }
}

extension Pipeline {
    /// What the sink named `sinkName` produced in the completed run, as `type`.
    ///
    /// ```swift
    /// let summary = try await pipeline.run()
    /// let records = try pipeline.output(of: "memory", as: SealedRecords.self)
    /// ```
    ///
    /// The first call for a sink takes its output (an `arena` sink seals its
    /// arena, without copying); later calls return the same value.
    ///
    /// - Parameters:
    ///   - sinkName: The sink's name in the pipeline (its spec `name`).
    ///   - type: The type to receive, such as ``SealedRecords``.
    /// - Returns: The output.
    /// - Throws: ``PipelineOutputError``: the run did not complete, no sink
    ///   has that name, the sink produces nothing, or not that type.
    /// - Complexity: O(*s*) in the sinks, plus the sink's cost the first time.
    public func output<Output>(of sinkName: String, as type: Output.Type = Output.self) throws(PipelineOutputError) -> Output {
        guard finalOutcome == .completed else { throw .runNotCompleted(outcome: finalOutcome) }
        let all = sinks + (deadLetterSink.map { [$0] } ?? [])
        guard let sink = all.first(where: { $0.name == sinkName }) else {
            throw .unknownSink(name: sinkName, sinks: all.map(\.name))
        }
        guard let producer = sink.component as? any RecordOutputProducing else {
            throw .noOutput(sink: sinkName, typeName: String(describing: Swift.type(of: sink.component)))
        }
        let available = producer.outputTypes.map { String(describing: $0) }
        if let taken = outputs[sinkName] {
            guard let typed = taken as? Output else {
                throw .wrongType(sink: sinkName, requested: String(describing: Output.self), available: available)
            }
            return typed
        }
        guard producer.outputTypes.contains(where: { $0 == Output.self }),
            let typed = producer.takeOutput(as: Output.self) as? Output
        else {
            throw .wrongType(sink: sinkName, requested: String(describing: Output.self), available: available)
        }
        outputs[sinkName] = typed
        return typed
    }
}
