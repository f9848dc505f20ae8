import DenseRecordsCore
public import DenseRecordsArena
public import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
/// A component with the name it has in a pipeline's metrics and summary.
public struct NamedComponent<Component> {
    /// The name, unique within the pipeline.
    public let name: String
    /// The component.
    public let component: Component

    /// Names a component.
    ///
    /// - Parameters:
    ///   - name: The name, unique within the pipeline.
    ///   - component: The component.
    public init(_ name: String, _ component: Component) {
        self.name = name
        self.component = component
    }
}

/// A built pipeline: one source, stages in order, one or more sinks, and an optional dead-letter sink.
///
/// Build one from a spec with ``PipelineBuilder``, or directly from
/// components. Nothing is opened until ``run(progress:)``, which runs it
/// once.
///
/// ## How a run moves records
///
/// The runner owns one ``RecordBatch`` (two under the dead-letter policy) of
/// ``batchSize`` records, allocated when the run starts. It asks the source to
/// fill the batch, passes it through each stage in place, and hands it to
/// every sink, then asks for the next batch. There are no queues: the
/// source is not asked for more until the sinks have taken the last batch,
/// which is the backpressure, and memory stays at the batch buffers plus
/// what the components hold. A stage with more output than fits (an
/// aggregate closing many windows) says so, and the runner drains it batch by
/// batch.
///
/// ## Failures and cancellation
///
/// A stage that throws, or whose ``StageReport`` does not add up, is handled
/// by the spec's policy: under `stop` the run ends and the batch is counted
/// as unprocessed; under `deadLetter` the batch, as it was before that stage,
/// goes to the dead-letter sink and the run goes on. Cancelling the task stops
/// the run between batches. In every case the source and sinks are closed and
/// the ``PipelineSummary`` adds up; a run that did not complete throws it
/// inside ``PipelineRunError``.
///
/// ## Metrics
///
/// Each stage is monitored by a ``MonitoredPipelineStage`` that records, into
/// ``changeLog``, the input record count and latency of every call that moved
/// records (a `finish` or `drain` that produced nothing is not counted), and
/// counts the calls that threw or whose report did not add up. The monitors are
/// made, and their attributes and those of every ``AuditedComponent`` that
/// records into ``changeLog`` declared (``ChangeLog/declareAttributes(of:)``),
/// when the pipeline is created, so a metrics bridge attached before the run
/// shows every counter at 0 from the start.
///
/// ## Isolation
///
/// A `Pipeline` is not `Sendable`: it stays in the isolation domain that
/// created it. ``run(progress:)`` and the component protocols' methods are
/// `nonisolated(nonsending)`: they run on the caller's actor, so an actor can
/// own a pipeline in a stored property and run it without sending it anywhere:
///
/// ```swift
/// actor Ingest {
///     let pipeline: Pipeline
///     init(pipeline: Pipeline) { self.pipeline = pipeline }
///     func start() async throws -> PipelineSummary { try await pipeline.run() }
/// }
/// ```
///
/// Components written as plain `async` methods still conform; the runner awaits them from the caller's actor.
public final class Pipeline {
    /// The source.
    public let source: NamedComponent<any RecordSource>
    /// The stages, in order.
    public let stages: [NamedComponent<any RecordStage>]
    /// The sinks; each receives every output batch.
    public let sinks: [NamedComponent<any RecordSink>]
    /// Where failing batches go under the dead-letter policy; `nil` means stop on a stage error.
    public let deadLetterSink: NamedComponent<any RecordSink>?
    /// Records per batch.
    public let batchSize: Int
    /// The log the stage metrics record into.
    public let changeLog: ChangeLog
    /// The stages' audited metrics, in stage order; created with the pipeline.
    public let stageMetrics: [MonitoredPipelineStage]
    private var hasRun = false
    /// How the run ended, once it has; ``output(of:as:)`` needs a completed one.
    var finalOutcome: PipelineOutcome?
    /// Sink outputs already handed out, by sink name, so each is taken from its sink once.
    var outputs: [String: Any] = [:]

    /// Creates a pipeline from components.
    ///
    /// - Parameters:
    ///   - source: The source.
    ///   - stages: The stages, in order.
    ///   - sinks: At least one sink.
    ///   - deadLetterSink: Where failing batches go; `nil` to stop the run on a stage error.
    ///   - batchSize: Records per batch; at least 1.
    ///   - changeLogCapacity: Events the metrics log keeps; ignored when `changeLog` is given.
    ///   - changeLog: The log to record into, for components made with it
    ///     (``ComponentContext``); `nil` makes a new one of `changeLogCapacity`.
    /// - Complexity: O(*c*) in the components; nothing is opened or allocated beyond the log.
    public init(
        source: NamedComponent<any RecordSource>,
        stages: [NamedComponent<any RecordStage>] = [],
        sinks: [NamedComponent<any RecordSink>],
        deadLetterSink: NamedComponent<any RecordSink>? = nil,
        batchSize: Int = RecordArena.recordsPerChunk,
        changeLogCapacity: Int = 4_096,
        changeLog: ChangeLog? = nil
    ) {
        require(batchSize >= 1, "Pipeline batchSize must be at least 1")
        require(!sinks.isEmpty, "Pipeline needs at least one sink")
        let names = [source.name] + stages.map(\.name) + sinks.map(\.name) + (deadLetterSink.map { [$0.name] } ?? [])
        require(Set(names).count == names.count, "Pipeline component names must be unique: \(names)")
        self.source = source
        self.stages = stages
        self.sinks = sinks
        self.deadLetterSink = deadLetterSink
        self.batchSize = batchSize
        let log = changeLog ?? ChangeLog(capacity: changeLogCapacity)
        self.changeLog = log
        stageMetrics = stages.map { MonitoredPipelineStage(name: $0.name, log: log) }
        // Components made with this log declare their audited attributes with the pipeline.
        // No bridge can be attached to a log before its pipeline unless a factory attached
        // one; such a bridge counts a conflict itself, so the error is not needed here.
        let components: [AnyObject] = [source.component] + stages.map(\.component) + sinks.map(\.component)
            + (deadLetterSink.map { [$0.component] } ?? [])
        for case let audited as any AuditedComponent in components where audited.auditContext.log === log {
            try? log.declareAttributes(of: audited)
        }
    }

    // MARK: Run state

    private struct StageCounters {
        var recordsIn = 0
        var recordsOut = 0
        var rejected = RejectionCounts()
        var absorbed = 0
        var emitted = 0
        var deadLettered = 0
        var unprocessed = 0
    }

    /// Why the flow of a batch stopped the run.
    private enum Stop: Error {
        case stage(index: Int, message: String)
        case sink(name: String, message: String)
    }

    private var produced = 0
    private var recordsOut = 0
    private var unprocessedAtSinks = 0
    private var counters: [StageCounters] = []
    private var sinkWritten: [Int] = []
    private var deadLetterWritten = 0

    /// Runs the pipeline once: opens, moves every batch, finishes the stages, closes.
    ///
    /// The run is `nonisolated(nonsending)`: it runs on the caller's actor (or
    /// on no actor when the caller has none), so an actor that owns the
    /// pipeline can run it without sending it off. It suspends at every
    /// component call, so the actor serves other calls between batches.
    ///
    /// - Parameter progress: Called after each source batch, on the running
    ///   task; keep it cheap (throttle printing yourself).
    /// - Returns: The summary of a completed run.
    /// - Throws: ``PipelineRunError`` when the run was cancelled or stopped by
    ///   a failure; its summary adds up as well.
    /// - Precondition: The pipeline has not run before.
    public nonisolated(nonsending) func run(
        progress: ((PipelineProgress) -> Void)? = nil
    ) async throws(PipelineRunError) -> PipelineSummary {
        require(!hasRun, "a Pipeline runs once; build another to run again")
        hasRun = true
        let clock = ContinuousClock()
        let start = clock.now
        counters = Array(repeating: StageCounters(), count: stages.count)
        sinkWritten = Array(repeating: 0, count: sinks.count)

        var outcome = PipelineOutcome.completed
        var opened: [NamedComponent<any RecordSink>] = []
        var sourceOpened = false
        do {
            try await source.component.open()
            sourceOpened = true
        } catch {
            outcome = .sourceFailed(message: "could not open \"\(source.name)\": \(error)")
        }
        if outcome.isCompleted {
            for sink in sinks + (deadLetterSink.map { [$0] } ?? []) {
                do {
                    try await sink.component.open()
                    opened.append(sink)
                } catch {
                    outcome = .sinkFailed(sink: sink.name, message: "could not open: \(error)")
                    break
                }
            }
        }
        if outcome.isCompleted {
            outcome = await move(clock: clock, start: start, progress: progress)
        }
        if sourceOpened { await source.component.close() }
        // Only a completed run's output is committed: a failed or cancelled run's
        // files are discarded by close(), so no output is ever partial.
        let completed = outcome.isCompleted
        var unflushed: Set<String> = []
        if completed {
            for sink in opened {
                // After one sink fails to commit the run has failed: the sinks after it
                // are not committed, and their close() discards what they hold.
                guard unflushed.isEmpty else {
                    unflushed.insert(sink.name)
                    continue
                }
                do {
                    try await sink.component.commit()
                } catch {
                    outcome = .sinkFailed(sink: sink.name, message: "could not commit: \(error)")
                    unflushed.insert(sink.name)
                }
            }
        }
        for sink in opened {
            do {
                try await sink.component.close()
            } catch {
                unflushed.insert(sink.name)
                if outcome.isCompleted || outcome == .cancelled {
                    outcome = .sinkFailed(sink: sink.name, message: "could not close: \(error)")
                }
            }
        }
        if !completed {
            // A failed or cancelled run commits nothing: sinks that discard uncommitted
            // output have written nothing, whatever they received.
            unflushed.formUnion(opened.filter { $0.component.discardsUncommittedRecords }.map(\.name))
        }
        if !unflushed.isEmpty { uncount(unflushedAt: unflushed) }
        let summary = makeSummary(outcome: outcome, elapsed: clock.now - start)
        finalOutcome = outcome
        guard outcome.isCompleted else { throw PipelineRunError(summary: summary) }
        return summary
    }

    /// The batch loop. Returns how the run ended.
    private nonisolated(nonsending) func move(clock: ContinuousClock, start: ContinuousClock.Instant, progress: ((PipelineProgress) -> Void)?) async -> PipelineOutcome {
        var batch = RecordBatch(capacity: batchSize)
        var snapshot: RecordBatch? = deadLetterSink == nil ? nil : RecordBatch(capacity: batchSize)
        do throws(Stop) {
            while true {
                if Task.isCancelled { return .cancelled }
                batch.removeAll()
                let more: Bool
                do {
                    more = try await source.component.nextBatch(into: &batch)
                } catch {
                    return .sourceFailed(message: "\(error)")
                }
                produced += batch.count
                if !batch.isEmpty { try await flow(&batch, from: 0, snapshot: &snapshot) }
                progress?(PipelineProgress(
                    recordsIn: produced + source.component.rejections.total, recordsOut: recordsOut, elapsed: clock.now - start))
                if !more { break }
            }
            // End of input: let each stage emit what it holds, in order, so later stages see it.
            for index in stages.indices {
                if Task.isCancelled { return .cancelled }
                batch.removeAll()
                var pending = try await call(index, &batch) { stage, batch, report in
                    try await stage.finish(into: &batch, report: &report)
                }
                try await flow(&batch, from: index + 1, snapshot: &snapshot)
                while pending == .moreOutputPending {
                    batch.removeAll()
                    pending = try await call(index, &batch) { stage, batch, report in
                        try await stage.drain(into: &batch, report: &report)
                    }
                    try await flow(&batch, from: index + 1, snapshot: &snapshot)
                }
            }
            return .completed
        } catch {
            switch error {
            case let .stage(index, message): return .stageFailed(stage: stages[index].name, message: message)
            case let .sink(name, message): return .sinkFailed(sink: name, message: message)
            }
        }
    }

    /// A run that failed to commit or close a sink, or a failed run whose sinks
    /// discard uncommitted output, has not written its records there. The records that reached every sink move
    /// from written to unprocessed; the failed sinks' own counts drop to 0, and
    /// a failed dead-letter sink's records move from dead-lettered to
    /// unprocessed. The summary still balances and never counts a record that
    /// was not flushed.
    ///
    /// - Parameter names: The sinks whose commit or close failed, or that
    ///   discarded a failed run's output.
    private func uncount(unflushedAt names: Set<String>) {
        // recordsOut counts records that reached every regular sink; only a regular
        // sink's loss takes them back. A failed dead-letter sink loses only its own.
        if sinks.contains(where: { names.contains($0.name) }) {
            unprocessedAtSinks += recordsOut
            recordsOut = 0
        }
        for (index, sink) in sinks.enumerated() where names.contains(sink.name) { sinkWritten[index] = 0 }
        if let deadLetterSink, names.contains(deadLetterSink.name) {
            for index in counters.indices {
                counters[index].unprocessed += counters[index].deadLettered
                counters[index].deadLettered = 0
            }
            deadLetterWritten = 0
        }
    }

    /// Passes `batch` through stages `start...` and then to the sinks.
    private nonisolated(nonsending) func flow(_ batch: inout RecordBatch, from start: Int, snapshot: inout RecordBatch?) async throws(Stop) {
        var index = start
        while index < stages.count {
            if batch.isEmpty { return }
            let inCount = batch.count
            if snapshot != nil { snapshot!.replaceContents(with: batch) }
            let progress: StageProgress
            do {
                progress = try await call(index, &batch) { stage, batch, report in
                    try await stage.process(&batch, report: &report)
                }
            } catch {
                guard let deadLetterSink, snapshot != nil else {
                    counters[index].unprocessed += inCount
                    throw error
                }
                counters[index].deadLettered += inCount
                do {
                    try await deadLetterSink.component.write(snapshot!)
                    deadLetterWritten += inCount
                } catch let sinkError {
                    counters[index].deadLettered -= inCount
                    counters[index].unprocessed += inCount
                    throw .sink(name: deadLetterSink.name, message: "\(sinkError)")
                }
                batch.removeAll()
                return
            }
            counters[index].recordsIn += inCount
            if progress == .moreOutputPending {
                try await flow(&batch, from: index + 1, snapshot: &snapshot)
                var pending = progress
                while pending == .moreOutputPending {
                    batch.removeAll()
                    pending = try await call(index, &batch) { stage, batch, report in
                        try await stage.drain(into: &batch, report: &report)
                    }
                    try await flow(&batch, from: index + 1, snapshot: &snapshot)
                }
                return
            }
            index += 1
        }
        if batch.isEmpty { return }
        for (sinkIndex, sink) in sinks.enumerated() {
            do {
                try await sink.component.write(batch)
                sinkWritten[sinkIndex] += batch.count
            } catch {
                unprocessedAtSinks += batch.count
                throw .sink(name: sink.name, message: "\(error)")
            }
        }
        recordsOut += batch.count
    }

    /// Calls one stage, times it, checks its accounting and records its metrics.
    ///
    /// On success the output counts are booked; the caller books the input.
    private nonisolated(nonsending) func call(
        _ index: Int, _ batch: inout RecordBatch,
        _ body: nonisolated(nonsending) (any RecordStage, inout RecordBatch, inout StageReport) async throws -> StageProgress
    ) async throws(Stop) -> StageProgress {
        let clock = ContinuousClock()
        let inCount = batch.count
        var report = StageReport()
        let started = clock.now
        let progress: StageProgress
        do {
            progress = try await body(stages[index].component, &batch, &report)
        } catch {
            stageMetrics[index].errorCount += 1
            throw .stage(index: index, message: "\(error)")
        }
        let latency = clock.now - started
        let outCount = batch.count
        guard inCount + report.emitted == outCount + report.rejected.total + report.absorbed else {
            stageMetrics[index].errorCount += 1
            throw .stage(index: index, message: "its report does not add up: \(inCount) in + \(report.emitted) emitted != "
                + "\(outCount) out + \(report.rejected.total) rejected + \(report.absorbed) absorbed")
        }
        // A finish or drain call that moved nothing is not a batch: it would only dilute the mean latency.
        if inCount > 0 || outCount > 0 { stageMetrics[index].recordBatch(records: inCount, latency: latency) }
        counters[index].recordsOut += outCount
        counters[index].rejected.merge(report.rejected)
        counters[index].absorbed += report.absorbed
        counters[index].emitted += report.emitted
        return progress
    }

    private func makeSummary(outcome: PipelineOutcome, elapsed: Duration) -> PipelineSummary {
        let sourceRejected = source.component.rejections
        var rejected = sourceRejected
        var stageSummaries: [StageSummary] = []
        for (index, stage) in stages.enumerated() {
            let counter = counters[index]
            rejected.merge(counter.rejected)
            let monitor = stageMetrics[index]
            stageSummaries.append(StageSummary(
                name: stage.name, recordsIn: counter.recordsIn + counter.deadLettered + counter.unprocessed,
                recordsOut: counter.recordsOut, rejected: counter.rejected, absorbed: counter.absorbed,
                emitted: counter.emitted, deadLettered: counter.deadLettered, unprocessed: counter.unprocessed,
                metrics: StageMetricsSnapshot(
                    recordsProcessed: monitor.recordsProcessed, meanLatencyMs: monitor.meanLatencyMs,
                    errorCount: monitor.errorCount, batchesProcessed: monitor.batchesProcessed)))
        }
        let (seconds, attoseconds) = elapsed.components
        return PipelineSummary(
            outcome: outcome,
            recordsIn: produced + sourceRejected.total,
            recordsOut: recordsOut,
            rejected: rejected,
            absorbed: counters.reduce(0) { $0 + $1.absorbed },
            emitted: counters.reduce(0) { $0 + $1.emitted },
            deadLettered: counters.reduce(0) { $0 + $1.deadLettered },
            unprocessed: counters.reduce(0) { $0 + $1.unprocessed } + unprocessedAtSinks,
            elapsedSeconds: Double(seconds) + Double(attoseconds) / 1e18,
            source: SourceSummary(
                name: source.name, recordsProduced: produced, rejected: sourceRejected,
                skipped: (source.component as? any SkippedInputReporting)?.skippedInputs ?? []),
            stages: stageSummaries,
            sinks: zip(sinks, sinkWritten).map { SinkSummary(name: $0.name, recordsWritten: $1) },
            deadLetter: deadLetterSink.map { SinkSummary(name: $0.name, recordsWritten: deadLetterWritten) })
    }
}
