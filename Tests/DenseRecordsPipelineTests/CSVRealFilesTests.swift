import DenseRecordsCore
import DenseRecordsPipeline
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Foundation
import Testing

/// Acceptance "Real files ingest": a file in each dialect real exports use, read by the CSV source and
/// by pyarrow (the test Python, never skipped); count, sum and per-sensor means must match exactly.
@Suite("CSV real files ingest, checked against pyarrow")
struct CSVRealFilesTests {
    /// One dialect: the file's text, the options that read it, and how pyarrow is told to read it.
    struct Case {
        var name: String
        var text: String
        var options: CSVReadOptions
        /// For the Python side: delimiter, column names, timestamp kind, missing policy, whole-file unit.
        var python: [String: Any]
    }

    static let rows = 2_000
    static let t0: Int64 = 1_700_000_000

    /// Deterministic rows: sensor, epoch second, nanosecond part, a value exact in binary (k/8), a unit spelling.
    static func row(_ i: Int, spellings: [String]) -> (sensor: Int, second: Int64, nanos: Int64, value: String, unit: String) {
        let value = Double((i * 7_919) % 4_001 - 2_000) / 8
        return (i % 13, t0 + Int64(i) * 61, Int64((i * 104_729) % 1_000_000_000), "\(value)", spellings[i % spellings.count])
    }

    /// The cases, one per dialect of the acceptance list.
    static func cases() -> [Case] {
        let names = ["celsius", "percent", "pascal", "watt", "lux", "meters_per_second"]
        func rowsText(_ body: (Int) -> String) -> String { (0..<rows).map { body($0) + "\n" }.joined() }
        func options(_ configure: (inout CSVReadOptions) -> Void) -> CSVReadOptions {
            var options = CSVReadOptions()
            configure(&options)
            return options
        }
        var cases: [Case] = []
        // Semicolons, nanoseconds.
        cases.append(Case(
            name: "semicolon", text: "sensor_id;timestamp;value;unit\n" + rowsText { i in
                let r = row(i, spellings: names)
                return "\(r.sensor);\(r.second * 1_000_000_000 + r.nanos);\(r.value);\(r.unit)"
            }, options: options { $0.delimiter = .semicolon }, python: ["delimiter": ";", "timestamp": "ns"]))
        // Tabs.
        cases.append(Case(
            name: "tab", text: "sensor_id\ttimestamp\tvalue\tunit\n" + rowsText { i in
                let r = row(i, spellings: names)
                return "\(r.sensor)\t\(r.second * 1_000_000_000 + r.nanos)\t\(r.value)\t\(r.unit)"
            }, options: options { $0.delimiter = .tab }, python: ["delimiter": "\t", "timestamp": "ns"]))
        // Quoted fields: delimiters and doubled quotes inside, quoted numbers.
        cases.append(Case(
            name: "quoted", text: "\"sensor_id\",\"timestamp\",\"value\",\"unit\",\"comment\"\n" + rowsText { i in
                let r = row(i, spellings: names)
                return "\"\(r.sensor)\",\(r.second * 1_000_000_000 + r.nanos),\"\(r.value)\",\"\(r.unit)\",\"a, \"\"b\"\"; c\""
            }, options: CSVReadOptions(), python: ["delimiter": ",", "timestamp": "ns"]))
        // Reordered and extra columns, renamed.
        cases.append(Case(
            name: "reordered", text: "site,unit,reading,time_ns,station,flag\n" + rowsText { i in
                let r = row(i, spellings: names)
                return "north,\(r.unit),\(r.value),\(r.second * 1_000_000_000 + r.nanos),\(r.sensor),ok"
            }, options: options { $0.sensorColumn = "station"; $0.timestampColumn = "time_ns"; $0.valueColumn = "reading" },
            python: ["delimiter": ",", "timestamp": "ns", "sensor": "station", "time": "time_ns", "value": "reading"]))
        // Epoch seconds, milliseconds, microseconds (integers), and fractional seconds.
        for (format, factor) in [(CSVTimestampFormat.seconds, Int64(1)), (.milliseconds, 1_000), (.microseconds, 1_000_000)] {
            cases.append(Case(
                name: "epoch-\(format)", text: "sensor_id,timestamp,value,unit\n" + rowsText { i in
                    let r = row(i, spellings: names)
                    return "\(r.sensor),\(r.second * factor),\(r.value),\(r.unit)"
                }, options: options { $0.timestampFormat = format }, python: ["delimiter": ",", "timestamp": format.rawValue]))
        }
        cases.append(Case(
            name: "fractional-s", text: "sensor_id,timestamp,value,unit\n" + rowsText { i in
                let r = row(i, spellings: names)
                return "\(r.sensor),\(r.second).\(CSVDialectModelTests.pad(r.nanos, 9)),\(r.value),\(r.unit)"
            }, options: options { $0.timestampFormat = .seconds }, python: ["delimiter": ",", "timestamp": "fractional-s"]))
        // RFC 3339 with offsets and fractional seconds.
        cases.append(Case(
            name: "rfc3339", text: "sensor_id,timestamp,value,unit\n" + rowsText { i in
                let r = row(i, spellings: names)
                let offsets: [(String, Int64)] = [("Z", 0), ("+01:00", 3_600), ("-05:30", -19_800), ("+14:00", 50_400)]
                let (suffix, offset) = offsets[i % offsets.count]
                let local = r.second + offset
                let (year, month, day) = CSVDialectModelTests.civil(local / 86_400)
                let s = local % 86_400
                let fraction = i % 3 == 0 ? "" : "." + CSVDialectModelTests.pad(r.nanos, 9)
                return "\(r.sensor),\(year)-\(CSVDialectModelTests.pad(month, 2))-\(CSVDialectModelTests.pad(day, 2))T"
                    + "\(CSVDialectModelTests.pad(s / 3600, 2)):\(CSVDialectModelTests.pad(s / 60 % 60, 2)):"
                    + "\(CSVDialectModelTests.pad(s % 60, 2))\(fraction)\(suffix),\(r.value),\(r.unit)"
            }, options: options { $0.timestampFormat = .rfc3339 }, python: ["delimiter": ",", "timestamp": "rfc3339"]))
        // Missing values, skipped or read as NaN.
        for policy in CSVMissingValuePolicy.allCases {
            cases.append(Case(
                name: "missing-\(policy)", text: "sensor_id,timestamp,value,unit\n" + rowsText { i in
                    let r = row(i, spellings: names)
                    return "\(r.sensor),\(r.second * 1_000_000_000),\(i % 19 == 0 ? "" : r.value),\(r.unit)"
                }, options: options { $0.onMissingValue = policy }, python: ["delimiter": ",", "timestamp": "ns", "missing": policy.rawValue]))
        }
        // Unit aliases, some scaling the value.
        let aliases = ["°C", "degC", "C", "%", "Pa", "hPa", "mbar", "W", "lx", "m/s", "celsius", "kW"]
        cases.append(Case(
            name: "aliases", text: "sensor_id,timestamp,value,unit\n" + rowsText { i in
                let r = row(i, spellings: aliases)
                return "\(r.sensor),\(r.second * 1_000_000_000),\(r.value),\(r.unit)"
            }, options: CSVReadOptions(), python: ["delimiter": ",", "timestamp": "ns"]))
        // No unit column: one unit (hPa, scaled) for the whole file, semicolons and epoch milliseconds.
        cases.append(Case(
            name: "file-unit", text: "time;station;pressure\n" + rowsText { i in
                let r = row(i, spellings: aliases)
                return "\(r.second * 1_000);\(r.sensor);\(r.value)"
            }, options: options {
                $0.delimiter = .semicolon; $0.timestampColumn = "time"; $0.sensorColumn = "station"; $0.valueColumn = "pressure"
                $0.timestampFormat = .milliseconds; $0.unit = .pascal; $0.unitFactor = 100
            },
            python: ["delimiter": ";", "timestamp": "ms", "sensor": "station", "time": "time", "value": "pressure", "unit": "hPa"]))
        return cases
    }

    /// What both sides report: counts, the timestamp sum, value sums and per-sensor means as bit patterns.
    static func summary(of records: [SensorRecord]) -> [String: String] {
        var sum = 0.0
        var nans = 0
        var timestamps: Int64 = 0
        var perSensor: [UInt32: (count: Int, sum: Double)] = [:]
        var units: [UInt8: Int] = [:]
        for record in records {
            timestamps &+= record.timestampNanoseconds
            units[record.unit.rawValue, default: 0] += 1
            if record.value.isNaN {
                nans += 1
                continue
            }
            sum += record.value
            perSensor[record.sensorID, default: (0, 0)].count += 1
            perSensor[record.sensorID, default: (0, 0)].sum += record.value
        }
        var result = [
            "count": String(records.count), "nan_count": String(nans), "timestamp_sum": String(timestamps),
            "value_sum_bits": String(sum.bitPattern),
        ]
        for (sensor, entry) in perSensor { result["mean_bits_\(sensor)"] = String((entry.sum / Double(entry.count)).bitPattern) }
        for (unit, count) in units { result["unit_\(unit)"] = String(count) }
        return result
    }

    /// pyarrow's side: reads each file as its case says and prints the same summary as JSON, keyed by case name.
    static let python = #"""
import json, struct, sys
from decimal import Decimal
import pyarrow as pa, pyarrow.csv as csv
units = {"celsius": (1, 1.0), "percent": (2, 1.0), "pascal": (3, 1.0), "watt": (9, 1.0), "lux": (6, 1.0),
         "meters_per_second": (11, 1.0), "°C": (1, 1.0), "degC": (1, 1.0), "C": (1, 1.0), "%": (2, 1.0), "Pa": (3, 1.0),
         "hPa": (3, 100.0), "mbar": (3, 100.0), "W": (9, 1.0), "lx": (6, 1.0), "m/s": (11, 1.0), "kW": (9, 1000.0)}
scale = {"ns": 1, "us": 1000, "ms": 10**6, "s": 10**9}
bits = lambda x: str(struct.unpack("<Q", struct.pack("<d", x))[0])
out = {}
for case in json.load(open(sys.argv[1])):
    sensor, time, value = case.get("sensor", "sensor_id"), case.get("time", "timestamp"), case.get("value", "value")
    kind = case["timestamp"]
    time_type = {"rfc3339": pa.timestamp("ns", tz="UTC"), "fractional-s": pa.string()}.get(kind, pa.int64())
    types = {sensor: pa.uint32(), time: time_type, value: pa.float64()}
    if "unit" not in case:
        types["unit"] = pa.string()
    table = csv.read_csv(case["path"], parse_options=csv.ParseOptions(delimiter=case["delimiter"]),
                         convert_options=csv.ConvertOptions(column_types=types, null_values=[""], strings_can_be_null=False))
    ids = table.column(sensor).to_pylist()
    if kind == "rfc3339":
        stamps = table.column(time).cast(pa.int64()).to_pylist()
    elif kind == "fractional-s":
        stamps = [int(Decimal(t) * 10**9) for t in table.column(time).to_pylist()]
    else:
        stamps = [t * scale[kind] for t in table.column(time).to_pylist()]
    values = table.column(value).to_pylist()
    spellings = table.column("unit").to_pylist() if "unit" not in case else [case["unit"]] * table.num_rows
    count = nans = 0
    total = 0.0
    timestamps = 0
    per, codes = {}, {}
    for i, t, v, u in zip(ids, stamps, values, spellings):
        if v is None and case.get("missing", "skip") == "skip":
            continue
        code, factor = units[u]
        count += 1
        timestamps += t
        codes[code] = codes.get(code, 0) + 1
        if v is None:
            nans += 1
            continue
        v = v * factor if factor != 1.0 else v
        total += v
        c, s = per.get(i, (0, 0.0))
        per[i] = (c + 1, s + v)
    timestamps = (timestamps + 2**63) % 2**64 - 2**63
    result = {"count": str(count), "nan_count": str(nans), "timestamp_sum": str(timestamps), "value_sum_bits": bits(total)}
    result.update({f"mean_bits_{i}": bits(s / c) for i, (c, s) in per.items()})
    result.update({f"unit_{code}": str(n) for code, n in codes.items()})
    out[case["name"]] = result
print(json.dumps(out))
"""#

    @Test("Every dialect reads as pyarrow reads it: count, sum and per-sensor means match exactly")
    func dialectsMatchPyarrow() async throws {
        let folder = try ScratchFolder()
        var jobs: [[String: Any]] = []
        var ours: [String: [String: String]] = [:]
        for testCase in Self.cases() {
            let (summary, records, _) = try await readCSV(testCase.text, in: folder, name: "\(testCase.name).csv", options: testCase.options)
            #expect(summary.outcome == .completed, "\(testCase.name)")
            #expect(summary.isBalanced, "\(testCase.name)")
            #expect(records.count > Self.rows / 2, "\(testCase.name)")
            ours[testCase.name] = Self.summary(of: records)
            var job = testCase.python
            job["name"] = testCase.name
            job["path"] = folder.file("\(testCase.name).csv")
            jobs.append(job)
        }
        let jobsPath = folder.file("jobs.json")
        try JSONSerialization.data(withJSONObject: jobs).write(to: URL(fileURLWithPath: jobsPath))
        let scriptPath = folder.file("pyarrow_side.py")
        try Data(Self.python.utf8).write(to: URL(fileURLWithPath: scriptPath))
        let (status, output) = try runProcess(testPython, [scriptPath, jobsPath])
        try #require(status == 0, "pyarrow's side failed (\(testPythonHint)):\n\(output)")
        let theirs = try #require(
            JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: [String: String]], "not JSON: \(output)")
        #expect(Set(theirs.keys) == Set(ours.keys))
        for (name, expected) in theirs.sorted(by: { $0.key < $1.key }) {
            #expect(ours[name] == expected, "\(name)")
        }
    }

    @Test("Missing values are counted under their own reason, and in = out + rejected")
    func missingCounted() async throws {
        let folder = try ScratchFolder()
        let testCase = try #require(Self.cases().first { $0.name == "missing-skip" })
        let (summary, records, _) = try await readCSV(testCase.text, in: folder, options: testCase.options)
        let missing = (0..<Self.rows).filter { $0 % 19 == 0 }.count
        #expect(summary.rejected.byReason == ["missing value": missing])
        #expect(records.count + missing == Self.rows)
        #expect(summary.recordsIn == Self.rows)
        #expect(summary.isBalanced)
    }
}

/// Runs `executable` with `arguments`; returns its status and standard output (standard error appended).
func runProcess(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    let folder = try ScratchFolder()
    let outputPath = folder.file("stdout")
    let errorPath = folder.file("stderr")
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    let error = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
    process.standardOutput = output
    process.standardError = error
    try process.run()
    process.waitUntilExit()
    try output.close()
    try error.close()
    let text = readTextFile(outputPath)
    let errors = readTextFile(errorPath)
    return (process.terminationStatus, process.terminationStatus == 0 ? text : text + errors)
}
