import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsParquet
import DenseRecordsTestSupport
import Foundation
import Testing

/// The nanoseconds of a UTC day.
private let day: Int64 = 86_400_000_000_000

/// Records spread over `days` consecutive UTC days from 2023-01-01, interleaved so that
/// every stage of the dataset writer holds several days.
private func spreadRecords(_ count: Int, days: Int, seed: UInt64) -> [SensorRecord] {
    let start: Int64 = 1_672_531_200_000_000_000  // 2023-01-01T00:00:00Z
    var generator = SplitMix(seed: seed)
    return (0..<count).map { index in
        SensorRecord(
            sensorID: UInt32(index % 13), timestampNanoseconds: start + Int64.random(in: 0..<(Int64(days) * day), using: &generator),
            value: Double(index) * 0.25 - 100, unit: SensorUnit(rawValue: UInt8(index % 5)))
    }
}

/// The `date=YYYY-MM-DD` name of a timestamp, computed with Foundation's calendar as the model.
func partitionName(_ timestamp: Int64) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let seconds = timestamp >= 0 ? timestamp / 1_000_000_000 : (timestamp - 999_999_999) / 1_000_000_000
    let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return "date=\(parts.year!)-\(two(parts.month!))-\(two(parts.day!))"
}

/// Every `date=…/part-….parquet` file under `folder`, sorted.
private func datasetFiles(_ folder: String) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: folder)
    var files: [String] = []
    while let name = enumerator?.nextObject() as? String { files.append(name) }
    return files.sorted()
}

@Suite("Parquet datasets partitioned by day")
struct ParquetDatasetTests {
    @Test("Each date=YYYY-MM-DD/part-NNNNN.parquet file holds that day's records in input order, read back by pyarrow",
          arguments: [2, 64])
    func layoutAndContents(maximumOpenFiles: Int) throws {
        let records = spreadRecords(2_000, days: 9, seed: 11) + [
            // Either side of midnight, and days before 1970.
            SensorRecord(sensorID: 1, timestampNanoseconds: 1_672_531_200_000_000_000 - 1, value: 1, unit: .celsius),
            SensorRecord(sensorID: 1, timestampNanoseconds: -1, value: 2, unit: .celsius),
            SensorRecord(sensorID: 1, timestampNanoseconds: 0, value: 3, unit: .celsius),
            SensorRecord(sensorID: 1, timestampNanoseconds: -day * 365 * 30 - 1, value: 4, unit: .celsius),
        ]
        let folder = try ScratchFolder()
        let target = folder.file("lake")
        // A small open-file limit forces a day to continue in a second part file.
        let openFiles = maximumOpenFiles
        var writer = try ParquetDatasetWriter(
            path: target, options: .init(rowGroupSize: 300, pageRowCount: 100), maximumOpenFiles: openFiles)
        try writer.write(try parquetArena(records))
        let summary = try writer.finish()
        #expect(summary.rowCount == records.count)
        #expect(folder.names() == ["lake"], "a temporary file or folder was left behind")

        let byDay = Dictionary(grouping: records, by: { partitionName($0.timestampNanoseconds) })
        let files = datasetFiles(target).filter { $0.hasSuffix(".parquet") }
        #expect(Set(files.map { String($0.split(separator: "/")[0]) }) == Set(byDay.keys))
        #expect(files.count == summary.fileCount)
        #expect(files.allSatisfy { $0.split(separator: "/").count == 2 && $0.split(separator: "/")[1].hasPrefix("part-") })
        #expect(datasetFiles(target).allSatisfy { !$0.contains(".tmp-") })
        if openFiles == 2 {
            #expect(files.count > byDay.count, "with 2 open files, some day must continue in a second part")
        } else {
            #expect(files.count == byDay.count)
        }

        // Each day's parts, in order, are that day's records in input order.
        var manifest: [[String: Any]] = []
        for (name, dayRecords) in byDay {
            let parts = files.filter { $0.hasPrefix(name + "/") }
            // One part file per check: split the day's records by the parts' row counts.
            var offset = 0
            for part in parts {
                let path = target + "/" + part
                let rows = try ParquetFooter(path: path).rowCount
                let slice = Array(dayRecords[offset..<(offset + rows)])
                offset += rows
                let bin = folder.file(part.replacingOccurrences(of: "/", with: "_") + ".bin")
                try writePackedRecords(slice, to: bin)
                manifest.append([
                    "file": path, "records": bin, "unit_encoding": "dictionary", "value_encoding": "PLAIN", "compression": "ZSTD",
                ])
            }
            #expect(offset == dayRecords.count, "\(name): the parts hold \(offset) rows, expected \(dayRecords.count)")
        }
        let cases = folder.file("cases.json")
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: cases))
        let (status, output) = try ParquetCheckScript.run(["roundtrips", cases])
        #expect(status == 0, "\(testPythonHint)\n\(output)")
    }

    @Test("A dataset replaces an earlier dataset folder whole")
    func replacesEarlierDataset() throws {
        let folder = try ScratchFolder()
        let target = folder.file("lake")
        _ = try ParquetDatasetWriter.export(try parquetArena(spreadRecords(500, days: 5, seed: 1)), toPath: target)
        let newRecords = spreadRecords(300, days: 2, seed: 2)
        let summary = try ParquetDatasetWriter.export(try parquetArena(newRecords), toPath: target)
        let names = Set(newRecords.map { partitionName($0.timestampNanoseconds) })
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: target)) == names)
        #expect(summary.fileCount == names.count)
        #expect(folder.names() == ["lake"])
    }

    @Test("An empty input makes an empty dataset folder")
    func emptyDataset() throws {
        let folder = try ScratchFolder()
        let summary = try ParquetDatasetWriter.export(RecordArena(), toPath: folder.file("lake"))
        #expect(summary == ParquetWriteSummary(rowCount: 0, rowGroupCount: 0, fileCount: 0, byteCount: 0))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.file("lake")) == [])
        #expect(folder.names() == ["lake"])
    }

    @Test("A dataset target that is a file is refused and left as it was")
    func targetIsAFile() throws {
        let folder = try ScratchFolder()
        let target = folder.file("lake")
        try Data("keep".utf8).write(to: URL(fileURLWithPath: target))
        #expect(throws: ParquetWriteError.targetIsNotAFolder(path: target)) {
            _ = try ParquetDatasetWriter.export(try parquetArena(spreadRecords(10, days: 1, seed: 1)), toPath: target)
        }
        #expect(FileManager.default.contents(atPath: target) == Data("keep".utf8))
        #expect(folder.names() == ["lake"])
    }

    /// The entry made, and the one the error names: the first that an earlier dataset would not hold.
    @Test("A folder holding anything but an earlier dataset is refused and left as it was", arguments: [
        ("readings.drsnap", "readings.drsnap"), ("date=2023-01-01/notes.txt", "date=2023-01-01/notes.txt"),
        ("other/part-00000.parquet", "other"),
    ])
    func foreignFolderIsKept(entry: String, reported: String) throws {
        let folder = try ScratchFolder()
        let target = folder.file("lake")
        let kept = (target as NSString).appendingPathComponent(entry)
        try FileManager.default.createDirectory(
            atPath: (kept as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: kept))
        let named = (target as NSString).appendingPathComponent(reported)
        #expect(throws: ParquetWriteError.targetIsNotADataset(path: target, entry: named)) {
            _ = try ParquetDatasetWriter.export(try parquetArena(spreadRecords(10, days: 1, seed: 1)), toPath: target)
        }
        #expect(FileManager.default.contents(atPath: kept) == Data("keep".utf8))
        #expect(folder.names() == ["lake"])
    }
}

/// The few footer fields a test needs, read by hand: `num_rows` of the `FileMetaData`.
///
/// Reads only the first top-level fields in the Thrift compact protocol: version (1, i32),
/// schema (2, list of structs), num_rows (3, i64).
struct ParquetFooter {
    var rowCount: Int

    init(path: String) throws {
        let bytes = try #require(FileManager.default.contents(atPath: path).map { Array($0) })
        try #require(bytes.count >= 12 && Array(bytes.prefix(4)) == Array("PAR1".utf8) && Array(bytes.suffix(4)) == Array("PAR1".utf8))
        let length = bytes[(bytes.count - 8)..<(bytes.count - 4)].reversed().reduce(0) { $0 << 8 | Int($1) }
        var reader = ThriftReader(bytes: Array(bytes[(bytes.count - 8 - length)..<(bytes.count - 8)]))
        var found: Int?
        try reader.readStruct { field, type, reader in
            if field == 3 {
                found = Int(try reader.readZigZag())
                return true
            }
            return false
        }
        rowCount = try #require(found)
    }
}

/// A minimal reader of the Thrift compact protocol, enough to walk and skip fields.
struct ThriftReader {
    var bytes: [UInt8]
    var position = 0

    struct Malformed: Error {}

    mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw Malformed() }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0, shift: UInt64 = 0
        while true {
            let b = try byte()
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            guard shift < 70 else { throw Malformed() }
        }
    }

    mutating func readZigZag() throws -> Int64 {
        let raw = try readVarint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    /// Walks a struct's fields; `visit` returns `true` when it consumed the field's value.
    mutating func readStruct(_ visit: (Int, UInt8, inout ThriftReader) throws -> Bool) throws {
        var last = 0
        while true {
            let header = try byte()
            if header == 0 { return }
            let type = header & 0x0F
            let delta = Int(header >> 4)
            let field = delta == 0 ? Int(try readZigZag()) : last + delta
            last = field
            if try !visit(field, type, &self) { try skip(type) }
        }
    }

    mutating func skip(_ type: UInt8) throws {
        switch type {
        case 1, 2: return  // booleans carry their value in the type
        case 3: _ = try byte()
        case 4, 5, 6: _ = try readVarint()
        case 7: position += 8
        case 8:
            let length = Int(try readVarint())
            position += length
        case 9, 10:
            let header = try byte()
            let count = header >> 4 == 15 ? Int(try readVarint()) : Int(header >> 4)
            for _ in 0..<count { try skip(header & 0x0F) }
        case 12: try readStruct { _, _, _ in false }
        default: throw Malformed()
        }
    }
}
