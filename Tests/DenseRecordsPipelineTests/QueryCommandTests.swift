import DenseRecordsCore
import DenseRecordsPipeline
import DenseRecordsTestSupport
import Foundation
import Testing

/// Records whose figures are easy to state: sensor `i % 3`, one per minute from
/// 2023-03-01T00:00:00Z, value `i / 4` (exact in binary), every 10th value NaN.
private func queryCSV(_ count: Int) -> (text: String, records: [(sensor: UInt32, time: Int64, value: Double)]) {
    let start: Int64 = 1_677_628_800_000_000_000
    var text = "sensor_id,timestamp,value,unit\n"
    var records: [(UInt32, Int64, Double)] = []
    for index in 0..<count {
        let record = (UInt32(index % 3), start + Int64(index) * 60_000_000_000, index % 10 == 9 ? Double.nan : Double(index) / 4)
        records.append(record)
        text += "\(record.0),\(record.1),\(record.2.isNaN ? "NaN" : String(record.2)),celsius\n"
    }
    return (text, records)
}

/// The JSON output parsed: one dictionary per group.
private func jsonGroups(_ text: String) throws -> [[String: Any]] {
    let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
    return try #require(parsed as? [[String: Any]], "not an array of objects: \(text)")
}

@Suite("dense-records query", .serialized)
struct QueryCommandTests {
    @Test("--format json: per-sensor figures equal the records', with the documented keys, from a snapshot and from CSV")
    func perSensorJSON() throws {
        let folder = try ScratchFolder()
        let csv = folder.file("in.csv"), snapshot = folder.file("in.drsnap")
        let (text, records) = queryCSV(300)
        try text.write(toFile: csv, atomically: false, encoding: .utf8)
        #expect(try runTool(["ingest", csv, "-o", snapshot]).status == 0)
        var outputs: [String] = []
        for input in [snapshot, csv] {
            let run = try runTool([
                "query", input, "--group-by", "sensor", "--aggregate", "count,sum,mean,min,max,first,last,p50", "--format", "json",
            ])
            #expect(run.status == 0, "\(run.standardError)")
            #expect(run.standardError.contains("skipped 30 NaN values"), "\(run.standardError)")
            outputs.append(run.standardOutput)
            let groups = try jsonGroups(run.standardOutput)
            #expect(groups.count == 3)
            for (sensor, group) in groups.enumerated() {
                let values = records.filter { $0.sensor == UInt32(sensor) && !$0.value.isNaN }.map(\.value)
                #expect(Set(group.keys) == ["sensor_id", "count", "sum", "mean", "min", "max", "first", "last", "p50"])
                #expect(group["sensor_id"] as? Int == sensor)
                #expect(group["count"] as? Int == values.count)
                #expect(group["sum"] as? Double == values.reduce(0, +))
                #expect(group["mean"] as? Double == values.reduce(0, +) / Double(values.count))
                #expect(group["min"] as? Double == values.min() && group["max"] as? Double == values.max())
                #expect(group["first"] as? Double == values.first && group["last"] as? Double == values.last)
                let median = values.sorted()[(values.count + 1) / 2 - 1]
                let p50 = try #require(group["p50"] as? Double)
                #expect(abs(p50 - median) <= 0.01 * abs(median) * (1 + 1e-9))
            }
        }
        #expect(outputs[0] == outputs[1], "a snapshot and its CSV give the same answer")
    }

    @Test("Filters and time buckets: RFC 3339 and nanoseconds agree, [from, to) is half-open, csv and table formats")
    func filtersBucketsAndFormats() throws {
        let folder = try ScratchFolder()
        let csv = folder.file("in.csv")
        let (text, records) = queryCSV(600)  // 10 hours of minutes
        try text.write(toFile: csv, atomically: false, encoding: .utf8)
        let from: Int64 = 1_677_632_400_000_000_000  // 01:00
        let to: Int64 = 1_677_639_600_000_000_000  // 03:00
        let byNanoseconds = try runTool([
            "query", csv, "--sensor", "1", "--sensor", "2", "--from", String(from), "--to", String(to),
            "--group-by", "sensor,1h", "--aggregate", "count,max", "--format", "json",
        ])
        let byRFC3339 = try runTool([
            "query", csv, "--sensor", "1,2", "--from", "2023-03-01T01:00:00Z", "--to", "2023-03-01T04:00:00+01:00",
            "--group-by", "1h,sensor", "--aggregate", "count,max", "--format", "json",
        ])
        #expect(byNanoseconds.status == 0 && byRFC3339.status == 0, "\(byNanoseconds.standardError) \(byRFC3339.standardError)")
        #expect(byNanoseconds.standardOutput == byRFC3339.standardOutput)
        let groups = try jsonGroups(byNanoseconds.standardOutput)
        #expect(groups.map { $0["sensor_id"] as? Int } == [1, 1, 2, 2])
        #expect(groups.map { $0["bucket_start"] as? Int64 } == [from, from + 3_600_000_000_000, from, from + 3_600_000_000_000])
        for group in groups {
            let sensor = try #require(group["sensor_id"] as? Int), bucket = try #require(group["bucket_start"] as? Int64)
            let values = records.filter {
                $0.sensor == UInt32(sensor) && $0.time >= bucket && $0.time < bucket + 3_600_000_000_000 && !$0.value.isNaN
            }.map(\.value)
            #expect(group["count"] as? Int == values.count && group["max"] as? Double == values.max())
            #expect(Set(group.keys) == ["sensor_id", "bucket_start", "count", "max"])
        }

        let csvRun = try runTool(["query", csv, "--group-by", "2h", "--aggregate", "count,min", "--format", "csv", "--to", String(to)])
        #expect(csvRun.status == 0)
        #expect(csvRun.standardOutput == """
            bucket_start,count,min
            1677628800000000000,108,0.0
            1677636000000000000,54,30.0

            """, "\(csvRun.standardOutput)")

        let table = try runTool(["query", csv, "--group-by", "sensor,1d", "--aggregate", "count"])
        #expect(table.status == 0)
        #expect(table.standardOutput == """
            sensor_id          bucket_start  count
                    0  2023-03-01T00:00:00Z    180
                    1  2023-03-01T00:00:00Z    180
                    2  2023-03-01T00:00:00Z    180
            (3 groups)

            """, "\(table.standardOutput)")
    }

    @Test("Empty groups are omitted: a filter that matches nothing prints [] and an empty table")
    func emptyResults() throws {
        let folder = try ScratchFolder()
        let csv = folder.file("in.csv"), empty = folder.file("empty.csv")
        try queryCSV(30).text.write(toFile: csv, atomically: false, encoding: .utf8)
        try "sensor_id,timestamp,value,unit\n".write(toFile: empty, atomically: false, encoding: .utf8)
        let none = try runTool(["query", csv, "--sensor", "99", "--group-by", "sensor", "--format", "json"])
        #expect(none.status == 0 && none.standardOutput == "[]\n", "\(none.standardOutput)")
        let emptyFile = try runTool(["query", empty, "--group-by", "sensor,1h", "--format", "csv"])
        #expect(emptyFile.status == 0 && emptyFile.standardOutput == "sensor_id,bucket_start,count,mean,min,max\n")
        // Sensor 0 at minute 9 is NaN only: its one-minute bucket has no value and is left out.
        let nanOnly = try runTool([
            "query", csv, "--sensor", "0", "--from", "1677629340000000000", "--to", "1677629400000000000", "--format", "json",
        ])
        #expect(nanOnly.status == 0 && nanOnly.standardOutput == "[]\n", "\(nanOnly.standardOutput)")
        #expect(nanOnly.standardError.contains("skipped 1 NaN values"))
    }

    @Test("A snapshot with a damaged block is refused (exit 1) before any answer; --no-verify reads it anyway")
    func damagedBlockIsRefused() throws {
        let folder = try ScratchFolder()
        let csv = folder.file("in.csv"), snapshot = folder.file("in.drsnap")
        try queryCSV(300).text.write(toFile: csv, atomically: false, encoding: .utf8)
        #expect(try runTool(["ingest", csv, "-o", snapshot]).status == 0)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: snapshot))
        // The first block's records follow the two 4 KiB header slots: flip a value byte of its first record.
        bytes[8_192 + 12] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: snapshot))
        let run = try runTool(["query", snapshot, "--group-by", "sensor", "--format", "json"])
        #expect(run.status == 1, "\(run.standardError)")
        #expect(run.standardError.contains("in.drsnap") && run.standardOutput.isEmpty, "\(run.standardError)")
        #expect(try runTool(["query", snapshot, "--no-verify", "--format", "json"]).status == 0)
    }

    @Test("Exit statuses: 1 for an unreadable input, 2 for a bad option, with a message naming it")
    func exitStatuses() throws {
        let folder = try ScratchFolder()
        let csv = folder.file("in.csv"), bad = folder.file("bad.csv"), damaged = folder.file("damaged.drsnap")
        try queryCSV(30).text.write(toFile: csv, atomically: false, encoding: .utf8)
        try "sensor_id,timestamp,value,unit\n1,2,oops,celsius\n".write(toFile: bad, atomically: false, encoding: .utf8)
        try Data(repeating: 0x41, count: 100).write(to: URL(fileURLWithPath: damaged))
        let missing = try runTool(["query", folder.file("missing.drsnap")])
        #expect(missing.status == 1 && missing.standardError.contains("missing.drsnap"), "\(missing.standardError)")
        #expect(try runTool(["query", folder.file("missing.csv")]).status == 1)
        let malformed = try runTool(["query", bad])
        #expect(malformed.status == 1 && malformed.standardError.contains("oops"), "\(malformed.standardError)")
        #expect(try runTool(["query", bad, "--skip-malformed", "--format", "json"]).standardOutput == "[]\n")
        #expect(try runTool(["query", damaged]).status == 1)
        let badOptions: [([String], String)] = [
            (["--group-by", "3x"], "--group-by 3x"),
            (["--group-by", "sensor,sensor"], "sensor is given twice"),
            (["--group-by", "0h"], "--group-by 0h"),
            (["--aggregate", "count,median"], "--aggregate median"),
            (["--aggregate", "p101"], "--aggregate p101"),
            (["--format", "xml"], "--format xml"),
            (["--sensor=-1"], "--sensor -1"),
            (["--from", "2023-02-30T00:00:00Z"], "--from 2023-02-30T00:00:00Z"),
            (["--from", "yesterday"], "--from yesterday"),
            (["--from", "10", "--to", "5"], "--to 5 comes before --from 10"),
            (["--delimiter", "x"], "--delimiter"),
            (["--no-such-option"], "no-such-option"),
            (["--repeat", "0"], "--repeat 0"),
            ([], "Missing expected argument"),
        ]
        for (options, message) in badOptions {
            let run = try runTool(["query"] + (options.isEmpty ? [] : [csv]) + options)
            #expect(run.status == 2, "\(options): \(run.status) \(run.standardError)")
            #expect(run.standardError.contains(message), "\(options): \(run.standardError)")
            #expect(run.standardOutput.isEmpty, "\(options)")
        }
        #expect(try runTool(["query", "--help"]).status == 0)
    }

    @Test("--sorted answers from the sensor-then-time copy with the same figures; --repeat prints medians to standard error")
    func sortedAndTimed() throws {
        let folder = try ScratchFolder()
        let csv = folder.file("in.csv"), snapshot = folder.file("in.drsnap")
        try queryCSV(900).text.write(toFile: csv, atomically: false, encoding: .utf8)
        #expect(try runTool(["ingest", csv, "-o", snapshot]).status == 0)
        let question = ["--sensor", "1", "--from", "2023-03-01T02:00:00Z", "--group-by", "sensor,1h",
                        "--aggregate", "count,sum,min,max,first,last,exact_p50", "--format", "json"]
        let plain = try runTool(["query", snapshot] + question)
        let sorted = try runTool(["query", snapshot, "--sorted"] + question)
        let timed = try runTool(["query", csv, "--sorted", "--repeat", "3"] + question)
        #expect(plain.status == 0 && sorted.status == 0 && timed.status == 0, "\(sorted.standardError) \(timed.standardError)")
        #expect(try jsonGroups(plain.standardOutput).count == 13)
        #expect(sorted.standardOutput == plain.standardOutput && timed.standardOutput == plain.standardOutput)
        #expect(timed.standardError.contains("timing: query median "), "\(timed.standardError)")
        #expect(timed.standardError.contains(" ns, 3 runs"), "\(timed.standardError)")
        #expect(!plain.standardError.contains("timing"))
    }
}
