import DenseRecordsCore
import DenseRecordsPipeline
import DenseRecordsTestSupport
import Foundation
import Testing

/// A CSV file's text with `count` good records, and then `bad` malformed lines when given.
func csvText(_ count: Int, first: Int = 0, bad: Int = 0) -> String {
    var text = "sensor_id,timestamp,value,unit\n"
    for index in first..<(first + count) {
        text += "\(index),\(1_700_000_000_000_000_000 + index),\(Double(index) * 0.5),celsius\n"
    }
    for index in 0..<bad { text += "\(index),1,oops\(index),celsius\n" }
    return text
}

@Suite("dense-records export: whole or absent output", .serialized)
struct ExportCommandTests {
    @Test("A failed export exits 1 and leaves the earlier output untouched and no temporary file")
    func failedExportKeepsTheEarlierFile() throws {
        let folder = try ScratchFolder()
        let good = folder.file("good.csv"), bad = folder.file("bad.csv"), target = folder.file("out.arrow")
        try csvText(10).write(toFile: good, atomically: false, encoding: .utf8)
        // 200,000 good rows (several record batches already written), then a bad line.
        try (csvText(200_000) + "1,1,oops,celsius\n").write(toFile: bad, atomically: false, encoding: .utf8)
        #expect(try runTool(["export", good, "-o", target]).status == 0)
        let earlier = try #require(fileBytes(target))
        let run = try runTool(["export", bad, "-o", target, "--batch-size", "1024"])
        #expect(run.status == 1, "\(run.standardError)")
        #expect(fileBytes(target) == earlier)
        #expect(folder.names() == ["bad.csv", "good.csv", "out.arrow"])
    }

    @Test("--no-verify skips the check before writing, not the one as blocks are copied: a damaged snapshot still fails and leaves no file")
    func noVerifyStillRefusesADamagedBlock() throws {
        let folder = try ScratchFolder()
        let csv = folder.file("in.csv"), snapshot = folder.file("in.drsnap")
        try csvText(300).write(toFile: csv, atomically: false, encoding: .utf8)
        #expect(try runTool(["ingest", csv, "-o", snapshot]).status == 0)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: snapshot))
        // The first block's records follow the two 4 KiB header slots: flip a value byte of its first record.
        bytes[8_192 + 12] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: snapshot))
        for (format, name) in [("file", "out.arrow"), ("parquet", "out.parquet")] {
            let run = try runTool(["export", snapshot, "--no-verify", "--format", format, "-o", folder.file(name)])
            #expect(run.status == 2, "\(format): \(run.standardError)")
            #expect(run.standardError.contains("chunk 0"), "\(format): \(run.standardError)")
            #expect(folder.names() == ["in.csv", "in.drsnap"], "\(format)")
        }
    }

    @Test("A failed export leaves no output where there was none")
    func failedExportLeavesNothing() throws {
        let folder = try ScratchFolder()
        let bad = folder.file("bad.csv")
        try (csvText(100_000) + "1,1,oops,celsius\n").write(toFile: bad, atomically: false, encoding: .utf8)
        for format in ["file", "stream"] {
            let run = try runTool(["export", bad, "-o", folder.file("out.arrow"), "--format", format, "--batch-size", "1024"])
            #expect(run.status == 1)
            #expect(folder.names() == ["bad.csv"], "\(format)")
        }
    }

    @Test("export x.csv -o x.csv is refused before the input is touched")
    func outputThatIsTheInputIsRefused() throws {
        let folder = try ScratchFolder()
        let input = folder.file("x.csv")
        try csvText(1_000).write(toFile: input, atomically: false, encoding: .utf8)
        let before = try #require(fileBytes(input))
        for output in [input, folder.path + "/./x.csv"] {
            let run = try runTool(["export", input, "-o", output])
            #expect(run.status == 2, "\(run.standardError)")
            #expect(run.standardError.contains("same file as the input"), "\(run.standardError)")
            #expect(fileBytes(input) == before)
        }
        #expect(folder.names() == ["x.csv"])
    }

    @Test("export /dev/stdin from a pipe reads every record: detection does not eat the first bytes")
    func exportFromAPipe() throws {
        let folder = try ScratchFolder()
        let target = folder.file("piped.arrow")
        let run = try runTool(["export", "/dev/stdin", "-o", target], standardInput: Array(csvText(5_000).utf8))
        #expect(run.status == 0, "\(run.standardError)")
        let inspected = try ArrowInspector(file: target)
        #expect(inspected.records.count == 5_000)
        #expect(inspected.records.first?.sensorID == 0)
    }

    @Test("--skip-malformed lists the first 10 skipped lines with their numbers and counts the rest")
    func skippedLinesAreListed() throws {
        let folder = try ScratchFolder()
        let input = folder.file("some-bad.csv")
        try csvText(5, bad: 13).write(toFile: input, atomically: false, encoding: .utf8)
        let run = try runTool(["export", input, "-o", folder.file("out.arrow"), "--skip-malformed"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardError.contains("skipped 13 malformed lines"), "\(run.standardError)")
        #expect(run.standardError.contains(#"line 7: column 3 ("value"): value "oops0" is not a number"#), "\(run.standardError)")
        #expect(run.standardError.contains(#"line 16: column 3 ("value"): value "oops9" is not a number"#), "\(run.standardError)")
        #expect(!run.standardError.contains(#"line 17:"#), "\(run.standardError)")
        #expect(run.standardError.contains("… and 3 more"), "\(run.standardError)")
    }
}
