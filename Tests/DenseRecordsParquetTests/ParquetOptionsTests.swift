import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsParquet
import DenseRecordsTestSupport
import Foundation
import Testing

/// The `dense-records` binary beside the test bundle (`swift build --build-tests` builds it).
let denseRecordsTool: String? = {
    let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [folder, folder.deletingLastPathComponent()] {
        let binary = candidate.appendingPathComponent("dense-records")
        if FileManager.default.isExecutableFile(atPath: binary.path) { return binary.path }
    }
    return nil
}()

/// Runs `dense-records` with `arguments`.
func runDenseRecords(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let tool = try #require(denseRecordsTool, "the dense-records binary was not built beside the tests")
    return try runProcess(tool, arguments)
}

/// The accepted row group and page sizes.
private let rowRange = 1...ParquetWriterOptions.maximumRowGroupSize

@Suite("Bad Parquet options are refused with a message naming them")
struct ParquetOptionsTests {
    @Test("An option out of range is refused before any file is created", arguments: [
        (ParquetWriterOptions(rowGroupSize: 0), ParquetWriteError.invalidOption(name: "rowGroupSize", value: 0, allowed: rowRange)),
        (ParquetWriterOptions(rowGroupSize: (1 << 24) + 1), .invalidOption(name: "rowGroupSize", value: (1 << 24) + 1, allowed: rowRange)),
        (ParquetWriterOptions(pageRowCount: -3), .invalidOption(name: "pageRowCount", value: -3, allowed: rowRange)),
        (ParquetWriterOptions(compressionLevel: 0), .invalidOption(name: "compressionLevel", value: 0, allowed: 1...19)),
        (ParquetWriterOptions(compressionLevel: 20), .invalidOption(name: "compressionLevel", value: 20, allowed: 1...19)),
    ])
    func invalidOption(options: ParquetWriterOptions, expected: ParquetWriteError) throws {
        let folder = try ScratchFolder()
        #expect(throws: expected) { _ = try ParquetWriter(path: folder.file("out.parquet"), options: options) }
        #expect(throws: expected) { _ = try ParquetDatasetWriter(path: folder.file("lake"), options: options) }
        #expect(folder.names() == [])
        guard case let .invalidOption(name, value, allowed) = expected else { return }
        #expect(expected.description == "Parquet option \(name) = \(value) is outside \(allowed.lowerBound)...\(allowed.upperBound)")
    }

    @Test("A dataset writer needs at least one open file")
    func maximumOpenFiles() throws {
        let folder = try ScratchFolder()
        #expect(throws: ParquetWriteError.invalidOption(name: "maximumOpenFiles", value: 0, allowed: 1...Int(Int32.max))) {
            _ = try ParquetDatasetWriter(path: folder.file("lake"), maximumOpenFiles: 0)
        }
        #expect(folder.names() == [])
    }

    @Test("A path in a missing folder is refused with the path and the system's reason")
    func missingFolder() throws {
        let folder = try ScratchFolder()
        let path = folder.file("missing/out.parquet")
        do throws(ParquetWriteError) {
            _ = try ParquetWriter(path: path)
            Issue.record("a writer opened \(path)")
        } catch {
            guard case let .cannotOpen(_, code) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(code == ENOENT)
            #expect(error.description.contains("missing/out.parquet"), "\(error)")
            #expect(error.description.contains("errno \(ENOENT)"), "\(error)")
        }
    }

    @Test("dense-records export refuses bad Parquet options with a usage error naming the option", arguments: [
        (["--format", "parquet", "--compression", "lz4"], "--compression must be zstd or none"),
        (["--format", "parquet", "--row-group-size", "0"], "--row-group-size must be in 1...16777216"),
        (["--partition-by", "month"], "--partition-by must be day"),
        (["--format", "parquet", "--value-encoding", "delta"], "--value-encoding must be byte-stream-split or plain"),
        (["--format", "file", "--compression", "none"], "apply to --format parquet only"),
        (["--format", "parquet", "--unit-encoding", "name"], "--unit-encoding must be dictionary or code"),
    ])
    func commandLineOptions(arguments: [String], message: String) throws {
        let folder = try ScratchFolder()
        let input = folder.file("in.csv")
        try Data("sensor_id,timestamp,value,unit\n1,1700000000000000000,1.5,celsius\n".utf8).write(to: URL(fileURLWithPath: input))
        let run = try runDenseRecords(["export", input, "-o", folder.file("out.parquet")] + arguments)
        #expect(run.status == 64, "\(run.output)")
        #expect(run.output.contains(message), "\(run.output)")
        #expect(folder.names() == ["in.csv"])
    }

    @Test("dense-records export refuses Parquet to standard output")
    func parquetToStandardOutput() throws {
        let folder = try ScratchFolder()
        let input = folder.file("in.csv")
        try Data("sensor_id,timestamp,value,unit\n".utf8).write(to: URL(fileURLWithPath: input))
        let run = try runDenseRecords(["export", input, "-o", "-", "--format", "parquet"])
        #expect(run.status == 64, "\(run.output)")
        #expect(run.output.contains("a Parquet footer cannot go to a stream"), "\(run.output)")
    }

    @Test("dense-records export writes an empty CSV as a valid Parquet file of zero rows")
    func emptyInput() throws {
        let folder = try ScratchFolder()
        let input = folder.file("in.csv")
        try Data("sensor_id,timestamp,value,unit\n".utf8).write(to: URL(fileURLWithPath: input))
        let run = try runDenseRecords(["export", input, "-o", folder.file("out.parquet")])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("exported 0 records in 0 row groups"), "\(run.output)")
        #expect(try ParquetFooter(path: folder.file("out.parquet")).rowCount == 0)
        let check = try runProcess(
            "/usr/bin/env",
            [testPython, "-c", "import pyarrow.parquet as pq, sys; t = pq.read_table(sys.argv[1]); print(t.num_rows, t.schema.names)",
             folder.file("out.parquet")])
        #expect(check.status == 0 && check.output.contains("0 ['sensor_id', 'timestamp', 'value', 'unit']"), "\(check.output)")
    }
}
