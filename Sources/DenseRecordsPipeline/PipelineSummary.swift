import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
/// How a run ended.
public enum PipelineOutcome: Hashable, Sendable, Codable {
    /// The source was exhausted and every stage finished.
    case completed
    /// The task was cancelled; the run stopped between batches.
    case cancelled
    /// A stage threw under the stop policy (or a stage's drain or finish threw).
    case stageFailed(stage: String, message: String)
    /// The source failed to open or read.
    case sourceFailed(message: String)
    /// A sink, or the dead-letter sink, failed to open, write or close.
    case sinkFailed(sink: String, message: String)

    /// Whether the run completed.
    public var isCompleted: Bool { self == .completed }
}

/// The figures of one stage's audited metrics at the end of a run.
public struct StageMetricsSnapshot: Hashable, Sendable, Codable {
    /// Records handed to the stage, summed over batches (``MonitoredPipelineStage/recordsProcessed``).
    public var recordsProcessed: Int
    /// The mean latency per call, in milliseconds.
    public var meanLatencyMs: Double
    /// Calls that threw or broke the accounting rule.
    public var errorCount: Int
    /// Calls behind the mean.
    public var batchesProcessed: Int
}

/// One piece of input a source skipped: where it was, and why.
public struct SkippedInput: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 1-based line (or record) number in the input.
    public var line: Int
    /// Why it was skipped, in words: `value "abc" is not a number`.
    public var problem: String

    /// Creates an entry.
    ///
    /// - Parameters:
    ///   - line: The 1-based line number.
    ///   - problem: Why it was skipped.
    public init(line: Int, problem: String) {
        self.line = line
        self.problem = problem
    }

    /// `line 42: value "abc" is not a number`.
    public var description: String { "line \(line): \(problem)" }
}

/// A source that can say which input it skipped, so that the run's summary lists it.
///
/// ``CSVRecordSource`` conforms. The runner asks only for the first
/// ``SourceSummary/listedSkippedLimit`` entries.
public protocol SkippedInputReporting: AnyObject {
    /// The first skipped pieces of input, in input order; at least the first
    /// ``SourceSummary/listedSkippedLimit`` when that many were skipped.
    var skippedInputs: [SkippedInput] { get }
}

/// What the source read.
public struct SourceSummary: Hashable, Sendable, Codable {
    /// How many skipped lines the summary lists: 10.
    public static let listedSkippedLimit = 10

    /// The entry's name.
    public var name: String
    /// Records the source delivered.
    public var recordsProduced: Int
    /// Input the source read but skipped, by reason (for example malformed CSV lines).
    public var rejected: RejectionCounts
    /// The first ``listedSkippedLimit`` skipped lines, with their line numbers and reasons.
    public var skipped: [SkippedInput] = []
    /// Skipped input not in ``skipped``: `rejected.total - skipped.count`.
    public var skippedNotListed: Int { Swift.max(0, rejected.total - skipped.count) }

    /// Creates a summary.
    ///
    /// - Parameters:
    ///   - name: The entry's name.
    ///   - recordsProduced: Records delivered.
    ///   - rejected: Skipped input by reason.
    ///   - skipped: The first skipped lines; only the first ``listedSkippedLimit`` are kept.
    public init(name: String, recordsProduced: Int, rejected: RejectionCounts, skipped: [SkippedInput] = []) {
        self.name = name
        self.recordsProduced = recordsProduced
        self.rejected = rejected
        self.skipped = Array(skipped.prefix(Self.listedSkippedLimit))
    }

    private enum CodingKeys: String, CodingKey { case name, recordsProduced, rejected, skipped }

    /// Decodes a summary; `skipped` may be absent (summaries written before it existed).
    ///
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        recordsProduced = try container.decode(Int.self, forKey: .recordsProduced)
        rejected = try container.decode(RejectionCounts.self, forKey: .rejected)
        skipped = try container.decodeIfPresent([SkippedInput].self, forKey: .skipped) ?? []
    }

    /// The report's lines for the skipped input: one per listed line, then `… and N more`.
    var skippedReport: [String] {
        var lines = skipped.map { "  skipped \($0)" }
        if skippedNotListed > 0 { lines.append("  … and \(skippedNotListed) more skipped") }
        return lines
    }
}

/// What one stage did with its records.
///
/// `recordsIn + emitted == recordsOut + rejected.total + absorbed + deadLettered + unprocessed`.
public struct StageSummary: Hashable, Sendable, Codable {
    /// The entry's name.
    public var name: String
    /// Records handed to the stage in calls that succeeded, failed into the dead-letter sink, or failed and stopped the run.
    public var recordsIn: Int
    /// Records the stage passed on.
    public var recordsOut: Int
    /// Records it dropped, by reason.
    public var rejected: RejectionCounts
    /// Records folded into aggregates.
    public var absorbed: Int
    /// Records it created.
    public var emitted: Int
    /// Records of failing batches sent to the dead-letter sink.
    public var deadLettered: Int
    /// Records of the batch it failed on when the run stopped.
    public var unprocessed: Int
    /// Its audited metrics.
    public var metrics: StageMetricsSnapshot

    /// Whether the stage's counts add up.
    public var isBalanced: Bool {
        recordsIn + emitted == recordsOut + rejected.total + absorbed + deadLettered + unprocessed
    }
}

/// What one sink received.
public struct SinkSummary: Hashable, Sendable, Codable {
    /// The entry's name.
    public var name: String
    /// Records it accepted.
    public var recordsWritten: Int
}

/// The account of one run: records in, out, and set aside by reason, with numbers that add up.
///
/// The balance is
///
/// ```text
/// recordsIn + emitted == recordsOut + rejected.total + absorbed + deadLettered + unprocessed
/// ```
///
/// where `recordsIn` counts everything the source read, valid or not, and
/// `recordsOut` the records every sink accepted. ``isBalanced`` checks it;
/// the runner guarantees it, also after a failure or cancellation.
public struct PipelineSummary: Hashable, Sendable, Codable {
    /// How the run ended.
    public var outcome: PipelineOutcome
    /// Records (and malformed input lines) the source read.
    public var recordsIn: Int
    /// Records that reached every sink.
    public var recordsOut: Int
    /// Everything set aside, by reason, from the source and every stage.
    public var rejected: RejectionCounts
    /// Records folded into aggregates.
    public var absorbed: Int
    /// Records created by stages (aggregates).
    public var emitted: Int
    /// Records sent to the dead-letter sink.
    public var deadLettered: Int
    /// Records that were in flight when a failure stopped the run.
    public var unprocessed: Int
    /// Wall-clock duration of the run, in seconds.
    public var elapsedSeconds: Double
    /// The source's account.
    public var source: SourceSummary
    /// Each stage's account, in order.
    public var stages: [StageSummary]
    /// Each sink's account, in order.
    public var sinks: [SinkSummary]
    /// The dead-letter sink's account, when the spec has one.
    public var deadLetter: SinkSummary?

    /// Whether the totals add up (see the type's discussion), and every stage's too.
    public var isBalanced: Bool {
        recordsIn + emitted == recordsOut + rejected.total + absorbed + deadLettered + unprocessed
            && stages.allSatisfy(\.isBalanced)
    }

    /// Records read per second of wall-clock time.
    public var recordsPerSecond: Double { elapsedSeconds > 0 ? Double(recordsIn) / elapsedSeconds : 0 }

    /// A human-readable, multi-line report of the totals, the stages and their metrics.
    public var report: String {
        var lines: [String] = []
        let outcomeText: String
        switch outcome {
        case .completed: outcomeText = "completed"
        case .cancelled: outcomeText = "cancelled"
        case let .stageFailed(stage, message): outcomeText = "stopped: stage \"\(stage)\" failed: \(message)"
        case let .sourceFailed(message): outcomeText = "stopped: source failed: \(message)"
        case let .sinkFailed(sink, message): outcomeText = "stopped: sink \"\(sink)\" failed: \(message)"
        }
        lines.append("outcome: \(outcomeText)")
        lines.append("records in: \(recordsIn)   out: \(recordsOut)   rejected: \(rejected.total)   absorbed: \(absorbed)   "
            + "emitted: \(emitted)   dead-lettered: \(deadLettered)   unprocessed: \(unprocessed)")
        for (reason, count) in rejected { lines.append("  rejected \(count): \(reason)") }
        lines.append("balanced: \(isBalanced ? "yes" : "NO")   elapsed: \(String(format2: elapsedSeconds)) s   "
            + "rate: \(Int(recordsPerSecond.rounded())) records/s")
        lines.append("source \"\(source.name)\": produced \(source.recordsProduced), skipped \(source.rejected.total)")
        lines += source.skippedReport
        for stage in stages {
            lines.append("stage \"\(stage.name)\": in \(stage.recordsIn), out \(stage.recordsOut), rejected \(stage.rejected.total), "
                + "absorbed \(stage.absorbed), emitted \(stage.emitted), dead-lettered \(stage.deadLettered), unprocessed \(stage.unprocessed)")
            lines.append("  metrics: recordsProcessed \(stage.metrics.recordsProcessed), meanLatencyMs "
                + "\(String(format2: stage.metrics.meanLatencyMs)), errorCount \(stage.metrics.errorCount), "
                + "batches \(stage.metrics.batchesProcessed)")
        }
        for sink in sinks { lines.append("sink \"\(sink.name)\": wrote \(sink.recordsWritten)") }
        if let deadLetter { lines.append("dead-letter sink \"\(deadLetter.name)\": wrote \(deadLetter.recordsWritten)") }
        return lines.joined(separator: "\n")
    }
}

/// A run that did not complete: cancelled, or stopped by a failure. It carries the summary, which still adds up.
public struct PipelineRunError: Error, Sendable, CustomStringConvertible {
    /// The account of the run up to where it stopped; ``PipelineSummary/outcome`` says why.
    public var summary: PipelineSummary

    /// Creates the error.
    ///
    /// - Parameter summary: The run's account.
    public init(summary: PipelineSummary) { self.summary = summary }

    /// The outcome and the summary's report.
    public var description: String { summary.report }
}

/// Progress reported after each source batch.
public struct PipelineProgress: Hashable, Sendable {
    /// Records (and malformed lines) read so far.
    public var recordsIn: Int
    /// Records that reached every sink so far.
    public var recordsOut: Int
    /// Time since the run started.
    public var elapsed: Duration

    /// Records read per second so far.
    public var recordsPerSecond: Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(recordsIn) / seconds : 0
    }
}
