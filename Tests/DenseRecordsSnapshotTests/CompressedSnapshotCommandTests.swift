import DenseRecordsColumnar
import DenseRecordsCore
import DenseRecordsSnapshot
import DenseRecordsTestSupport
import Foundation
import Testing

/// The `dense-records` binary built beside the tests, if any.
private let toolBinary: URL? = {
    let folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [folder, folder.deletingLastPathComponent()] {
        let binary = candidate.appendingPathComponent("dense-records")
        if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
    }
    return nil
}()

/// Runs `dense-records arguments` to completion: its status and its standard output and error.
private func runDenseRecords(_ arguments: [String], in folder: ScratchFolder) throws -> (status: Int32, output: String, error: String) {
    let binary = try #require(toolBinary, "the dense-records binary was not built beside the tests")
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    let output = folder.file("stdout.txt"), error = folder.file("stderr.txt")
    _ = FileManager.default.createFile(atPath: output, contents: nil)
    _ = FileManager.default.createFile(atPath: error, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: error))
    try process.run()
    let deadline = ContinuousClock.now + .seconds(60)
    while process.isRunning, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.02) }
    if process.isRunning {
        process.terminate()
        Issue.record("dense-records \(arguments.joined(separator: " ")) did not finish within 60 s")
    }
    process.waitUntilExit()
    defer { for path in [output, error] { try? FileManager.default.removeItem(atPath: path) } }
    let text = { (path: String) in readTextFile(path) }
    return (process.terminationStatus, text(output), text(error))
}

@Suite("dense-records ingest --compression columnar, inspect and export", .serialized)
struct CompressedSnapshotCommandTests {
    /// 3 sensors, one reading a minute each, two-decimal values.
    static func csv(_ count: Int) -> String {
        var text = "sensor_id,timestamp,value,unit\n"
        for i in 0..<count {
            text += "\(i % 3),\(1_700_000_000_000_000_000 + Int64(i / 3) * 60_000_000_000),\(Double(i % 400) / 4),celsius\n"
        }
        return text
    }

    @Test("ingest writes a compressed snapshot; inspect shows each column's encoding and bytes")
    func ingestAndInspect() throws {
        let folder = try ScratchFolder()
        let input = folder.file("in.csv"), compressed = folder.file("c.drsnap"), packed = folder.file("p.drsnap")
        try Self.csv(9_000).write(toFile: input, atomically: false, encoding: .utf8)
        let ingest = try runDenseRecords(["ingest", input, "-o", compressed, "--compression", "columnar"], in: folder)
        #expect(ingest.status == 0, "\(ingest.error)")
        #expect(ingest.output.contains("9000 records in"), "\(ingest.output)")
        #expect(ingest.output.contains("compressed columnar blocks"), "\(ingest.output)")
        #expect(try runDenseRecords(["ingest", input, "-o", packed], in: folder).status == 0)

        let mapped = try MappedSnapshot(contentsOf: compressed)
        #expect(mapped.header.isCompressed)
        let reference = try MappedSnapshot(contentsOf: packed)
        #expect(mapped.count == reference.count)
        #expect(mapped.header.fileSize * 2 < reference.header.fileSize)
        #expect(Set(mapped.map { "\($0.sensorID) \($0.timestampNanoseconds) \($0.value.bitPattern)" })
            == Set(reference.map { "\($0.sensorID) \($0.timestampNanoseconds) \($0.value.bitPattern)" }))

        let inspect = try runDenseRecords(["inspect", compressed, "--verify"], in: folder)
        #expect(inspect.status == 0, "\(inspect.error)")
        let store = try #require(mapped.compressedRecords)
        let first = store.blockDescription(0)
        for expected in [
            "compressed columnar blocks", "compression        columnar", "column sensor_id", "column timestamp", "column value",
            "column unit", "block 0: columnar",
            "sensor_id \(first.encodings.sensorID) \(first.sensorIDBytes) B",
            "timestamp \(first.encodings.timestamp) \(first.timestampBytes) B",
            "value \(first.encodings.value) \(first.valueBytes) B",
            "unit \(first.encodings.unit) \(first.unitBytes) B", "verify: ok",
        ] {
            #expect(inspect.output.contains(expected), "missing \(expected) in \(inspect.output)")
        }
        let summary = try runDenseRecords(["inspect", compressed, "--summary"], in: folder)
        #expect(summary.status == 0)
        #expect(!summary.output.contains("block 0:"))
        #expect(summary.output.contains("column value"))
    }

    @Test("export reads a compressed snapshot; a bad --compression is a usage error; a damaged block fails inspect --verify")
    func exportAndErrors() throws {
        let folder = try ScratchFolder()
        let input = folder.file("in.csv"), compressed = folder.file("c.drsnap"), arrow = folder.file("out.arrow")
        try Self.csv(3_000).write(toFile: input, atomically: false, encoding: .utf8)
        #expect(try runDenseRecords(["ingest", input, "-o", compressed, "--compression", "zstd"], in: folder).status == 64)
        #expect(try runDenseRecords(["ingest", input, "-o", compressed, "--compression", "columnar"], in: folder).status == 0)
        let export = try runDenseRecords(["export", compressed, "-o", arrow], in: folder)
        #expect(export.status == 0, "\(export.error)")
        #expect((try FileManager.default.attributesOfItem(atPath: arrow)[.size] as? Int ?? 0) > 3_000)

        // A pipeline's snapshot source reads the compressed blocks as rows.
        let spec = folder.file("spec.json")
        let specText = #"{"source": {"component": "snapshot", "parameters": {"path": "\#(compressed)"}}, "sinks": [{"component": "arena"}]}"#
        try specText.write(toFile: spec, atomically: false, encoding: .utf8)
        let run = try runDenseRecords(["run", spec], in: folder)
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("wrote 3000"), "\(run.output)")

        let info = try MappedSnapshot(contentsOf: compressed).blockInfo(0)
        var damaged = try bytes(of: compressed)
        damaged[info.fileOffset + info.byteCount / 2] ^= 0x40
        try write(damaged, to: compressed)
        let inspect = try runDenseRecords(["inspect", compressed, "--verify"], in: folder)
        #expect(inspect.status == 1)
        #expect(inspect.error.contains("compressed block 0"), "\(inspect.error)")
    }
}
