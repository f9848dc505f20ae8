public import DenseRecordsCore
public import DenseRecordsPipeline
import InternalDenseRecordsUtilities

/// Runs a ``RecordStage`` on given records the way a pipeline does, and checks
/// its accounting the way the runner does.
///
/// The harness cuts the input into batches of `batchCapacity`, calls
/// ``RecordStage/process(_:report:)`` on each, drains pending output, and at
/// the end calls ``RecordStage/finish(into:report:)`` and drains again. After
/// every call it checks `in + emitted == out + rejected + absorbed`, the
/// invariant the pipeline runner enforces, and throws
/// ``StageHarnessError`` where a call breaks it.
///
/// ```swift
/// let harness = StageHarness(batchCapacity: 64)
/// let result = try await harness.run(RecordFilterStage(minimum: 0, maximum: 100), on: records)
/// #expect(result.output.count + result.rejected.total == records.count)
/// ```
public struct StageHarness: Sendable {
    /// The capacity of each batch given to the stage.
    public let batchCapacity: Int

    /// Creates a harness.
    ///
    /// - Parameter batchCapacity: The capacity of each batch, at least 1.
    ///   Small capacities exercise a stage's drain path.
    public init(batchCapacity: Int = 1_024) {
        require(batchCapacity >= 1, "StageHarness batchCapacity must be at least 1")
        self.batchCapacity = batchCapacity
    }

    /// What a stage did with its input, summed over every call.
    public struct Result: Sendable {
        /// The records the stage passed on, in order.
        public var output: [SensorRecord] = []
        /// Records the stage dropped, by reason.
        public var rejected = RejectionCounts()
        /// Input records the stage folded into aggregates.
        public var absorbed = 0
        /// Records the stage created.
        public var emitted = 0
        /// Calls made to the stage: process, drain and finish.
        public var calls = 0
    }

    /// Runs `stage` on `records`.
    ///
    /// - Parameters:
    ///   - stage: The stage to run.
    ///   - records: The input, in order.
    /// - Returns: The output and the accounting summed over every call.
    /// - Throws: ``StageHarnessError`` when a call's report does not add up,
    ///   or what the stage throws.
    /// - Complexity: O(*n*) plus the stage's own work.
    public func run(_ stage: some RecordStage, on records: [SensorRecord]) async throws -> Result {
        var result = Result()
        var batch = RecordBatch(capacity: batchCapacity)
        var next = 0
        while next < records.count {
            batch.removeAll()
            while !batch.isFull, next < records.count {
                batch.append(records[next])
                next += 1
            }
            var progress = try await call(.process, &batch, &result) { batch, report in
                try await stage.process(&batch, report: &report)
            }
            while progress == .moreOutputPending {
                batch.removeAll()
                progress = try await call(.drain, &batch, &result) { batch, report in
                    try await stage.drain(into: &batch, report: &report)
                }
            }
        }
        batch.removeAll()
        var progress = try await call(.finish, &batch, &result) { batch, report in
            try await stage.finish(into: &batch, report: &report)
        }
        while progress == .moreOutputPending {
            batch.removeAll()
            progress = try await call(.drain, &batch, &result) { batch, report in
                try await stage.drain(into: &batch, report: &report)
            }
        }
        return result
    }

    private func call(
        _ kind: StageHarnessError.Call, _ batch: inout RecordBatch, _ result: inout Result,
        _ body: (inout RecordBatch, inout StageReport) async throws -> StageProgress
    ) async throws -> StageProgress {
        let inCount = batch.count
        var report = StageReport()
        let progress = try await body(&batch, &report)
        result.calls += 1
        let outCount = batch.count
        guard inCount + report.emitted == outCount + report.rejected.total + report.absorbed else {
            throw StageHarnessError(
                call: kind, callNumber: result.calls, recordsIn: inCount, emitted: report.emitted,
                recordsOut: outCount, rejected: report.rejected.total, absorbed: report.absorbed)
        }
        result.output += batch.records
        result.rejected.merge(report.rejected)
        result.absorbed += report.absorbed
        result.emitted += report.emitted
        return progress
    }
}

/// A stage call whose report does not add up: `in + emitted != out + rejected + absorbed`.
public struct StageHarnessError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which method of the stage was called.
    public enum Call: String, Hashable, Sendable {
        /// ``RecordStage/process(_:report:)``.
        case process
        /// ``RecordStage/drain(into:report:)``.
        case drain
        /// ``RecordStage/finish(into:report:)``.
        case finish
    }

    /// The method whose report did not add up.
    public var call: Call
    /// The call's position among all calls to the stage, from 1.
    public var callNumber: Int
    /// Records in the batch before the call.
    public var recordsIn: Int
    /// Records the report says the stage created.
    public var emitted: Int
    /// Records in the batch after the call.
    public var recordsOut: Int
    /// Records the report says the stage dropped.
    public var rejected: Int
    /// Records the report says the stage absorbed.
    public var absorbed: Int

    /// Names the call and every term of the failed balance.
    public var description: String {
        "\(call.rawValue) call \(callNumber) does not add up: \(recordsIn) in + \(emitted) emitted != "
            + "\(recordsOut) out + \(rejected) rejected + \(absorbed) absorbed"
    }
}
