import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
/// The three roles a pipeline component can play, and the protocol each requires.
public enum ComponentRole: String, Hashable, Sendable, CaseIterable, Codable, CustomStringConvertible {
    /// Produces records: ``RecordSource``.
    case source
    /// Filters or transforms batches: ``RecordStage``.
    case stage
    /// Consumes batches: ``RecordSink``.
    case sink

    /// The name of the protocol the role requires, as error messages show it.
    public var protocolName: String {
        switch self {
        case .source: "RecordSource"
        case .stage: "RecordStage"
        case .sink: "RecordSink"
        }
    }

    /// Whether values of `type` conform to the role's protocol.
    ///
    /// This is the runtime half of protocol checking: a factory registered
    /// for a role, or a spec entry that uses a component in a role, is checked
    /// with it before anything is constructed.
    ///
    /// - Parameter type: A concrete type, usually a factory's product type.
    /// - Returns: Whether `type` conforms to ``protocolName``.
    /// - Complexity: One dynamic conformance lookup (cached by the runtime).
    public func isConformed(by type: Any.Type) -> Bool {
        switch self {
        case .source: type is any RecordSource.Type
        case .stage: type is any RecordStage.Type
        case .sink: type is any RecordSink.Type
        }
    }

    /// Whether `instance` conforms to the role's protocol (`as? any RecordStage` and so on).
    ///
    /// - Parameter instance: A constructed component.
    /// - Returns: Whether it conforms.
    /// - Complexity: One dynamic cast.
    public func isConformed(byInstance instance: Any) -> Bool {
        switch self {
        case .source: instance is any RecordSource
        case .stage: instance is any RecordStage
        case .sink: instance is any RecordSink
        }
    }

    /// `source`, `stage` or `sink`.
    public var description: String { rawValue }
}

/// A component that produces records, batch by batch.
///
/// A source must not open files, connect, or allocate large buffers in its
/// initializer: a pipeline builds every component before it runs, and the
/// spec may still turn out invalid. Do that in ``open()``, which the runner
/// calls once when the run starts.
///
/// An existing type that already has these methods conforms retroactively with
/// `extension ExistingReader: RecordSource {}`, the Swift counterpart of
/// Python's `ABC.register`.
public protocol RecordSource: AnyObject {
    /// Acquires what the source reads from: opens a file, starts a generator.
    ///
    /// The default does nothing.
    ///
    /// - Throws: Any error that prevents reading; the run then stops before any record flows.
    nonisolated(nonsending) func open() async throws

    /// Appends the next records to `batch`, up to its remaining capacity.
    ///
    /// - Parameter batch: An empty batch to fill.
    /// - Returns: `false` when the source is exhausted and appended nothing
    ///   more; `true` otherwise. A source may return `true` with fewer records
    ///   than fit, but should fill the batch where it can.
    /// - Throws: A read or parse error that ends the run.
    nonisolated(nonsending) func nextBatch(into batch: inout RecordBatch) async throws -> Bool

    /// Releases what ``open()`` acquired. Called once, also after a failure or cancellation.
    ///
    /// The default does nothing.
    nonisolated(nonsending) func close() async

    /// Input the source read but skipped, counted by reason (for example malformed CSV lines).
    ///
    /// The default is empty. These counts are part of the run's summary and its balance.
    var rejections: RejectionCounts { get }
}

extension RecordSource {
    /// Does nothing.
    public nonisolated(nonsending) func open() async throws {}
    /// Does nothing.
    public nonisolated(nonsending) func close() async {}
    /// No rejections.
    public var rejections: RejectionCounts { RejectionCounts() }
}

/// What a stage wants after processing a batch.
public enum StageProgress: Hashable, Sendable {
    /// The stage holds no output beyond what it wrote into the batch.
    case done
    /// The stage holds more output than fitted; the runner calls
    /// ``RecordStage/drain(into:report:)`` with an empty batch until it says ``done``.
    case moreOutputPending
}

/// A component that filters, transforms or aggregates batches in place.
///
/// A stage reads the records in the batch it is given and leaves its output
/// in the same batch. It accounts for every input record in `report`: a
/// record it drops is ``StageReport/reject(_:reason:)``ed or
/// ``StageReport/absorb(_:)``ed (folded into an aggregate), and a record it
/// creates is ``StageReport/emit(_:)``ed, so that
/// `in + emitted == out + rejected + absorbed` holds for every call. The
/// runner checks it and treats a stage that breaks it as failing.
///
/// A stage that throws should throw before changing its own state: under the
/// dead-letter policy the runner sends the batch, as it was before the call,
/// to the dead-letter sink and carries on.
public protocol RecordStage: AnyObject {
    /// Processes one batch in place.
    ///
    /// - Parameters:
    ///   - batch: The input; on return, the output.
    ///   - report: Where to account for dropped and created records.
    /// - Returns: ``StageProgress/moreOutputPending`` when the stage has output that did not fit.
    /// - Throws: Any error; the runner applies the pipeline's stage-error policy.
    nonisolated(nonsending) func process(_ batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress

    /// Writes pending output into an empty batch.
    ///
    /// The default writes nothing and returns ``StageProgress/done``.
    ///
    /// - Parameters:
    ///   - batch: An empty batch.
    ///   - report: Where to account for the records written (as emitted).
    /// - Returns: Whether more output is still pending.
    /// - Throws: Any error; it stops the run.
    nonisolated(nonsending) func drain(into batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress

    /// Writes the output a stage holds at the end of the input, such as open aggregate windows.
    ///
    /// Called once after the source is exhausted (not after a failure or
    /// cancellation); the runner then drains until ``StageProgress/done``.
    /// The default writes nothing.
    ///
    /// - Parameters:
    ///   - batch: An empty batch.
    ///   - report: Where to account for the records written.
    /// - Returns: Whether more output is still pending.
    /// - Throws: Any error; it stops the run.
    nonisolated(nonsending) func finish(into batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress
}

extension RecordStage {
    /// Writes nothing.
    public nonisolated(nonsending) func drain(into batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress { .done }
    /// Writes nothing.
    public nonisolated(nonsending) func finish(into batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress { .done }
}

/// A component that consumes batches: stores, writes or forwards them.
///
/// Like a source, a sink opens files or acquires memory in ``open()``, not in its initializer.
///
/// ## Whole or absent
///
/// The runner calls ``commit()`` once, after every batch of a run that
/// completed, and then ``close()``. After a failure or a cancellation it calls
/// only ``close()``. A sink whose output must be whole or absent (a file)
/// writes to a temporary place, makes it durable and visible in ``commit()``
/// (flush, `fsync`, rename over the target), and discards it in a
/// ``close()`` that was not preceded by a successful commit.
///
/// Records count as written (`recordsOut` in the summary) only once every
/// sink has committed and closed them: when either throws after a completed
/// run, the run's outcome is a sink failure and its records are counted as
/// unprocessed, never as written.
public protocol RecordSink: AnyObject {
    /// Acquires what the sink writes to. The default does nothing.
    ///
    /// - Throws: Any error that prevents writing; the run then stops before any record flows.
    nonisolated(nonsending) func open() async throws

    /// Consumes one batch. The batch's records are valid only during the call.
    ///
    /// - Parameter batch: The records to consume.
    /// - Throws: Any error; it stops the run.
    nonisolated(nonsending) func write(_ batch: borrowing RecordBatch) async throws

    /// Makes everything written durable and visible. Called once, only after a
    /// run that completed, before ``close()``.
    ///
    /// The default does nothing.
    ///
    /// - Throws: A flush, sync or rename error; the run is then reported as a
    ///   sink failure and its records as unprocessed.
    nonisolated(nonsending) func commit() async throws

    /// Whether ``close()`` without a successful ``commit()`` discards every
    /// record written, as a file sink does with its temporary file.
    ///
    /// The runner then counts those records as unprocessed, not written,
    /// after a failed or cancelled run. The default is `false`: the records
    /// a sink such as an arena received stay received.
    var discardsUncommittedRecords: Bool { get }

    /// Releases what ``open()`` acquired. Called once, also after a failure or cancellation.
    ///
    /// A sink that writes a file discards it here unless ``commit()`` succeeded.
    /// The default does nothing.
    ///
    /// - Throws: A flush error; after a completed run it is reported as a sink
    ///   failure and the run's records as unprocessed.
    nonisolated(nonsending) func close() async throws
}

extension RecordSink {
    /// Does nothing.
    public nonisolated(nonsending) func open() async throws {}
    /// Does nothing.
    public nonisolated(nonsending) func commit() async throws {}
    /// `false`: what the sink received stays received.
    public var discardsUncommittedRecords: Bool { false }
    /// Does nothing.
    public nonisolated(nonsending) func close() async throws {}
}

/// Counts of records (or input lines) set aside, by reason.
public struct RejectionCounts: Hashable, Sendable, Codable, Sequence {
    /// The counts, keyed by reason.
    public private(set) var byReason: [String: Int] = [:]

    /// Creates empty counts.
    public init() {}

    /// Creates counts from a dictionary.
    ///
    /// - Parameter byReason: The counts; each must not be negative.
    public init(_ byReason: [String: Int]) {
        require(byReason.values.allSatisfy { $0 >= 0 }, "RejectionCounts must not be negative")
        self.byReason = byReason.filter { $0.value > 0 }
    }

    /// Adds `count` under `reason`.
    ///
    /// - Parameters:
    ///   - count: The number to add; must not be negative.
    ///   - reason: A short, stable reason such as `value out of range`.
    /// - Complexity: O(1) amortized.
    public mutating func add(_ count: Int, reason: String) {
        require(count >= 0, "RejectionCounts.add: count must not be negative, got \(count)")
        guard count > 0 else { return }
        byReason[reason, default: 0] += count
    }

    /// Adds every count in `other`.
    ///
    /// - Parameter other: The counts to add.
    public mutating func merge(_ other: RejectionCounts) {
        for (reason, count) in other.byReason { byReason[reason, default: 0] += count }
    }

    /// The sum over every reason.
    public var total: Int { byReason.values.reduce(0, +) }

    /// The count for `reason`, 0 when absent.
    ///
    /// - Parameter reason: The reason.
    public subscript(reason: String) -> Int { byReason[reason] ?? 0 }

    /// The reasons and counts, sorted by reason.
    public func makeIterator() -> [(reason: String, count: Int)].Iterator {
        byReason.sorted { $0.key < $1.key }.map { (reason: $0.key, count: $0.value) }.makeIterator()
    }

    /// Encodes as a JSON object keyed by reason.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(byReason)
    }

    /// Decodes from a JSON object keyed by reason.
    public init(from decoder: any Decoder) throws {
        byReason = try decoder.singleValueContainer().decode([String: Int].self)
    }
}

/// How one call to a stage accounted for its records.
///
/// The runner checks `in + emitted == out + rejected.total + absorbed` after every call.
public struct StageReport: Hashable, Sendable {
    /// Records dropped, by reason.
    public private(set) var rejected = RejectionCounts()
    /// Input records folded into aggregates rather than passed on.
    public private(set) var absorbed = 0
    /// Records the stage created (for example one per closed window).
    public private(set) var emitted = 0

    /// Creates an empty report.
    public init() {}

    /// Accounts for `count` dropped records.
    ///
    /// - Parameters:
    ///   - count: The number dropped; must not be negative.
    ///   - reason: Why, for example `value out of range`.
    public mutating func reject(_ count: Int, reason: String) { rejected.add(count, reason: reason) }

    /// Accounts for `count` input records folded into an aggregate.
    ///
    /// - Parameter count: The number; must not be negative.
    public mutating func absorb(_ count: Int) {
        require(count >= 0, "StageReport.absorb: count must not be negative")
        absorbed += count
    }

    /// Accounts for `count` records the stage created.
    ///
    /// - Parameter count: The number; must not be negative.
    public mutating func emit(_ count: Int) {
        require(count >= 0, "StageReport.emit: count must not be negative")
        emitted += count
    }
}
