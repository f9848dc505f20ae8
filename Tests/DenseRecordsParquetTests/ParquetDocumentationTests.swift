import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsParquet
import DenseRecordsTestSupport
import Foundation
import Testing

/// The Swift example of the DocC article *Exporting to Apache Parquet*, run for real: the
/// article's block must be this text, and this text must write readable files.
@Suite("The Parquet article's example")
struct ParquetDocumentationTests {
    static let article = repositoryRoot.appendingPathComponent("Sources/DenseRecords/DenseRecords.docc/ParquetExport.md").path

    /// The article's first ```swift block, verbatim.
    static let example = """
        // One file: zstd, delta-encoded ids and timestamps, row-group statistics.
        let summary = try ParquetWriter.export(arena, toPath: folder + "/readings.parquet")

        // A dataset folder with one partition per UTC day.
        let dataset = try ParquetDatasetWriter.export(arena, toPath: folder + "/readings", partitioning: .day)

        // Records pushed in pieces, in row groups of 100,000 rows, without compression.
        var writer = try ParquetWriter(
            path: folder + "/small-groups.parquet", options: ParquetWriterOptions(rowGroupSize: 100_000, compression: .none))
        try writer.write(arena)
        let pieces = try writer.finish()
        print(summary, dataset, pieces)
        """

    @Test("The article shows this example")
    func articleShowsTheExample() throws {
        let text = readTextFile(Self.article)
        let start = try #require(text.range(of: "```swift\n"), "no swift block in \(Self.article)")
        let end = try #require(text.range(of: "\n```", range: start.upperBound..<text.endIndex))
        #expect(String(text[start.upperBound..<end.lowerBound]) == Self.example)
    }

    @Test("The example writes a file, a dataset and a file of several row groups that pyarrow reads")
    func exampleRuns() throws {
        let scratch = try ScratchFolder()
        let folder = scratch.path
        // 250,000 records a millisecond apart: one UTC day.
        let arena = try parquetRecords(250_000)

        // The article's example, verbatim:
        // One file: zstd, delta-encoded ids and timestamps, row-group statistics.
        let summary = try ParquetWriter.export(arena, toPath: folder + "/readings.parquet")

        // A dataset folder with one partition per UTC day.
        let dataset = try ParquetDatasetWriter.export(arena, toPath: folder + "/readings", partitioning: .day)

        // Records pushed in pieces, in row groups of 100,000 rows, without compression.
        var writer = try ParquetWriter(
            path: folder + "/small-groups.parquet", options: ParquetWriterOptions(rowGroupSize: 100_000, compression: .none))
        try writer.write(arena)
        let pieces = try writer.finish()
        print(summary, dataset, pieces)
        // End of the example.

        #expect(summary == ParquetWriteSummary(rowCount: 250_000, rowGroupCount: 1, fileCount: 1, byteCount: summary.byteCount))
        #expect(dataset.rowCount == 250_000 && dataset.fileCount == 1)
        #expect(pieces.rowGroupCount == 3)
        #expect(pieces.byteCount > summary.byteCount, "the uncompressed file is the larger")
        let check = try runProcess("/usr/bin/env", [
            testPython, "-c",
            "import pyarrow.parquet as pq, sys; print(*(pq.read_table(p).num_rows for p in sys.argv[1:]))",
            folder + "/readings.parquet", folder + "/readings", folder + "/small-groups.parquet",
        ])
        #expect(check.status == 0 && check.output.contains("250000 250000 250000"), "\(testPythonHint)\n\(check.output)")
    }
}
