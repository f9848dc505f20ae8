import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsParquet
import DenseRecordsSnapshot
import DenseRecordsTestSupport
import Foundation
import Testing

/// The model is the list of records itself: whatever the options, pyarrow must read back
/// exactly those records, bit for bit (NaN payloads and the sign of zero included), and
/// every column chunk's encodings, codec and statistics must match the data in it.
@Suite("Parquet files read back bit for bit by pyarrow")
struct ParquetRoundTripTests {
    /// One file to write and check.
    struct Case {
        var name: String
        var records: [SensorRecord]
        var options: ParquetWriterOptions
    }

    /// Every combination of unit typing, value encoding and codec, over row groups of 1 row,
    /// a few rows, a page-crossing size and more rows than the input holds.
    static func cases() -> [Case] {
        let inputs: [(String, [SensorRecord])] = [
            ("adversarial", adversarialRecords()),
            ("random", randomRecords(3_000, seed: 0xDE45E)),
            ("single", [SensorRecord(sensorID: 7, timestampNanoseconds: -5, value: -0.0, unit: SensorUnit(rawValue: 250))]),
            ("empty", []),
        ]
        var cases: [Case] = []
        var variant = 0
        for (name, records) in inputs {
            for unit in ParquetUnitEncoding.allCases {
                for value in ParquetValueEncoding.allCases {
                    for compression in ParquetCompression.allCases {
                        // Cycle through the row-group sizes so every combination meets several.
                        let sizes = [1, 7, 1_000, records.count + 1]
                        let rowGroupSize = sizes[variant % sizes.count]
                        let pageRowCount = [1, 3, 128, ParquetWriterOptions.defaultPageRowCount][(variant / 2) % 4]
                        variant += 1
                        // Row groups of 1 row over thousands of records only make a long footer: keep them to the small inputs.
                        let size = records.count > 500 && rowGroupSize == 1 ? 2 : rowGroupSize
                        let options = ParquetWriterOptions(
                            rowGroupSize: size, pageRowCount: min(pageRowCount, size), compression: compression,
                            valueEncoding: value, unitEncoding: unit)
                        cases.append(Case(name: "\(name)-\(unit)-\(value)-\(compression)-rg\(size)", records: records, options: options))
                    }
                }
            }
        }
        return cases
    }

    @Test("Random and adversarial records, every encoding, codec and row-group size, round-trip exactly through pyarrow")
    func roundTripThroughPyarrow() throws {
        let folder = try ScratchFolder()
        var manifest: [[String: Any]] = []
        for item in Self.cases() {
            let file = folder.file(item.name + ".parquet"), records = folder.file(item.name + ".bin")
            let summary = try ParquetWriter.export(try parquetArena(item.records), toPath: file, options: item.options)
            let groups = (item.records.count + item.options.rowGroupSize - 1) / item.options.rowGroupSize
            #expect(summary.rowCount == item.records.count, "\(item.name)")
            #expect(summary.rowGroupCount == groups, "\(item.name)")
            #expect(summary.byteCount == (try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int), "\(item.name)")
            try writePackedRecords(item.records, to: records)
            manifest.append([
                "file": file, "records": records, "unit_encoding": item.options.unitEncoding.rawValue,
                "value_encoding": item.options.valueEncoding.parquetName, "compression": item.options.compression.parquetName,
                "row_groups": groups,
            ])
        }
        let cases = folder.file("cases.json")
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: cases))
        let (status, output) = try ParquetCheckScript.run(["roundtrips", cases])
        #expect(status == 0, "parquet_engines_check.py roundtrips failed (\(testPythonHint)):\n\(output)")
        #expect(output.components(separatedBy: "ok roundtrip ").count - 1 == manifest.count, "\(output)")
    }

    @Test("Records written in pieces of every size make the same file as records written at once")
    func piecewiseWritesMatch() throws {
        let records = randomRecords(1_000, seed: 99)
        let folder = try ScratchFolder()
        let options = ParquetWriterOptions(rowGroupSize: 64, pageRowCount: 16)
        _ = try ParquetWriter.export(try parquetArena(records), toPath: folder.file("whole.parquet"), options: options)
        var writer = try ParquetWriter(path: folder.file("pieces.parquet"), options: options)
        var generator = SplitMix(seed: 5)
        let raw = records.map(\.raw)
        try raw.withUnsafeBufferPointer { all in
            var start = 0
            while start < all.count {
                let end = min(all.count, start + Int.random(in: 0...150, using: &generator))
                try writer.write(contentsOf: UnsafeBufferPointer(rebasing: all[start..<end]))
                #expect(writer.rowCount == end)
                #expect(writer.bufferedRowCount == end % 64)
                start = end
            }
        }
        let summary = try writer.finish()
        #expect(summary.rowGroupCount == 16)
        #expect(FileManager.default.contents(atPath: folder.file("pieces.parquet")) == FileManager.default.contents(atPath: folder.file("whole.parquet")))
    }

    @Test("A mapped snapshot exports the same file as the arena it was written from")
    func snapshotMatchesArena() throws {
        let folder = try ScratchFolder()
        let arena = try parquetArena(randomRecords(5_000, seed: 3))
        try arena.writeSnapshot(to: folder.file("in.drsnap"), options: .init(recordsPerBlock: 512))
        let snapshot = try MappedSnapshot(contentsOf: folder.file("in.drsnap"))
        let options = ParquetWriterOptions(rowGroupSize: 1_500)
        _ = try ParquetWriter.export(arena, toPath: folder.file("arena.parquet"), options: options)
        _ = try ParquetWriter.export(snapshot, toPath: folder.file("snapshot.parquet"), options: options)
        #expect(FileManager.default.contents(atPath: folder.file("arena.parquet")) == FileManager.default.contents(atPath: folder.file("snapshot.parquet")))
    }
}
