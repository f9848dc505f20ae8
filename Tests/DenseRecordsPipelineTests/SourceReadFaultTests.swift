@_spi(Testing) import DenseRecordsCore
import DenseRecordsPipeline
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Foundation
import Testing

@Suite("A failing read")
struct SourceReadFaultTests {
    /// The read fault is process-wide, so it is armed in a child of its own,
    /// where no other test's reads can take it.
    @Test(
        "A disk error while the CSV source reads stops the run as a source failure, and the counts still balance",
        .enabled(if: FileFaultInjection.isAvailable, "read faults exist in debug builds only"))
    func csvReadErrorIsReported() async throws {
        let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
            let lines = ["sensor_id,timestamp,value,unit"] + (0..<5_000).map { "\($0 % 7),\($0),\(Double($0) / 4),celsius" }
            let path = try! temporaryFile(lines.joined(separator: "\n") + "\n")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let sink = CollectingRecordSink()
            // A small buffer makes several reads; the second one fails.
            let pipeline = Pipeline(
                source: .init("csv", CSVRecordSource(path: path, maxLineBytes: 62, bufferBytes: 4_096)),
                sinks: [.init("collect", sink)], batchSize: 1_000)
            FileFaultInjection.failRead(2)
            let summary: PipelineSummary
            do throws(PipelineRunError) {
                let completed = try await pipeline.run()
                reportAndExit(false, "the run completed despite the read error: \(completed.report)")
            } catch {
                summary = error.summary
            }
            guard case .sourceFailed(let message) = summary.outcome else {
                reportAndExit(false, "expected a source failure, got \(summary.outcome)")
            }
            let ok = message.contains("Input/output error") && summary.isBalanced && summary.recordsOut == sink.records.count
                && summary.recordsOut < 5_000
            reportAndExit(ok, "outcome: \(message); out \(summary.recordsOut) of 5000; balanced: \(summary.isBalanced)")
        }
        let (passed, report) = measuredVerdict(result.standardErrorContent)
        #expect(passed, "\(report)")
    }
}
