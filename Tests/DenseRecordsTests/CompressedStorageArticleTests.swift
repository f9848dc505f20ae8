import DenseRecords
import DenseRecordsTestSupport
import Foundation
import Testing

/// The Swift examples of the "Compressed columnar storage" article, run on a
/// month of readings with their answers checked; like the Querying records
/// suite, it also checks that every line of every block is here.
@Suite("The Compressed columnar storage article's examples")
struct CompressedStorageArticleTests {
    static let article = "Sources/DenseRecords/DenseRecords.docc/CompressedStorage.md"

    @Test func examplesGiveTheAnswersTheArticleDescribes() throws {
        let folder = try ScratchFolder()
        let path = folder.file("compressed-storage-example.drsnap")
        // Ten sensors, one two-decimal reading a minute through March 2023.
        let start: Int64 = 1_677_628_800_000_000_000
        let minutes = 60 * 24 * 31
        let arena = RecordArena()
        for minute in 0..<minutes {
            for sensor in UInt32(0)..<10 {
                try arena.append(SensorRecord(
                    sensorID: sensor, timestampNanoseconds: start + Int64(minute) * 60_000_000_000,
                    value: Double((minute * 7 + Int(sensor) * 13) % 5_000) / 100, unit: .celsius))
            }
        }
        let sensorSeven = arena.filter { $0.sensorID == 7 }

        do {
            let compressed = try CompressedRecords(compressing: arena)
            let statistics = compressed.storageStatistics
            print(statistics.bytesPerRecord ?? 0, statistics.valueBytes, statistics.timestampBytes)
            #expect(statistics.bytesPerRecord! < 2, "regular minutes and small decimals compress well below 21 B")
            #expect(statistics.totalBytes >= statistics.valueBytes + statistics.timestampBytes)
        }
        let compressed = try CompressedRecords(compressing: arena)
        do {
            let first = compressed[0]
            let march: Int64 = 1_677_628_800_000_000_000
            let april: Int64 = 1_680_307_200_000_000_000
            for index in compressed.indices(ofSensor: 7, in: march..<april) {
                print(compressed[index].value)
            }
            #expect(first == arena[0], "sensor 0's first reading comes first")
            #expect(compressed.indices(ofSensor: 7, in: march..<april).map { compressed[$0] } == sensorSeven)
        }
        do {
            var filter = RecordFilter(sensorIDs: [7])
            filter.timestamps(from: 1_677_628_800_000_000_000, to: 1_680_307_200_000_000_000)
            let inMarch = try compressed.query(RecordQuery(filter: filter, aggregates: [.count, .mean, .max]))
            print(inMarch.groups.first?.mean ?? .nan)
            let model = sensorSeven.map(\.value)
            #expect(inMarch.groups.first?.count == minutes)
            #expect(abs(inMarch.groups.first!.mean! - model.reduce(0, +) / Double(minutes)) < 1e-9)
            #expect(inMarch.groups.first?.maximum == model.max())
        }
        do {
            let total = compressed.sumOfValues()
            let perSensor = try compressed.query(RecordQuery(grouping: .sensor, aggregates: [.sum]))
            print(total, perSensor.groups.count)
            // Hundredths: every block's integer total is exact, so the figures are the exact sums, rounded.
            let exact = arena.reduce(0) { $0 + Int($1.value * 100 + ($1.value < 0 ? -0.5 : 0.5)) }
            #expect(abs(total - Double(exact) / 100) <= 1e-9 * abs(total))
            #expect(perSensor.groups.count == 10)
            #expect(abs(perSensor.groups.map { $0.sum! }.reduce(0, +) - total) <= 1e-9 * abs(total))
        }
        do {
            var options = SnapshotWriteOptions()
            options.compression = .columnar()
            try arena.writeSnapshot(to: path, options: options)
            let mapped = try MappedSnapshot(contentsOf: path)
            print(mapped.compressedRecords?.storageStatistics.bytesPerRecord ?? 0)
            #expect(mapped.compressedRecords.map(Array.init) == Array(compressed), "the mapped blocks read as the store they came from")
        }
    }

    @Test func everyLineOfTheArticlesSwiftBlocksIsInThisSuite() {
        expectEveryLine(ofArticle: Self.article, blockCount: 5, isIn: #filePath)
    }
}
