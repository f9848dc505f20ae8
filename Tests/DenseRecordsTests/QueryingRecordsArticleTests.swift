import DenseRecords
import DenseRecordsTestSupport
import Foundation
import Testing

/// The Swift examples of the "Querying records" article, run with their
/// answers checked. `DocCExampleTests` type-checks every article block on its
/// own; this suite runs them in order on the article's data, and checks that
/// every line of every block is still here, so the two cannot drift apart.
@Suite("The Querying records article's examples")
struct QueryingRecordsArticleTests {
    static let article = "Sources/DenseRecords/DenseRecords.docc/QueryingRecords.md"

    @Test func examplesGiveTheAnswersTheArticleDescribes() async throws {
        let march: Int64 = 1_677_628_800_000_000_000
        let april: Int64 = 1_680_307_200_000_000_000
        let snapshotFolder = try ScratchFolder()
        let snapshotPath = snapshotFolder.file("querying-records-example.drsnap")

        // The readings: 4 sensors, one reading a minute through March 2023.
        let readings = RecordArena()
        for minute in 0..<(60 * 24 * 31) {
            for sensor in UInt32(0)..<4 {
                try readings.append(SensorRecord(
                    sensorID: sensor, timestampNanoseconds: march + Int64(minute) * 60_000_000_000,
                    value: Double(sensor) * 10 + Double(minute % 60) / 4, unit: .celsius))
            }
        }
        let minutes = 60 * 24 * 31

        // Per-sensor count, mean, minimum and maximum.
        let perSensor = try readings.query(RecordQuery(
            grouping: .sensor, aggregates: [.count, .mean, .min, .max]))
        for group in perSensor {
            print(group.sensorID!, group.count, group.mean!, group.minimum!, group.maximum!)
        }
        #expect(perSensor.map(\.sensorID) == [0, 1, 2, 3])
        for group in perSensor {
            let base = Double(group.sensorID!) * 10
            #expect(group.count == minutes)
            #expect(group.mean == base + 29.5 / 4 && group.minimum == base && group.maximum == base + 59.0 / 4)
        }

        // Hourly buckets with a percentile.
        let hourly = try readings.query(RecordQuery(
            grouping: .timeBucket(.seconds(3_600)), aggregates: [.mean, .quantile(0.99)]))
        for hour in hourly {
            print(hour.bucketStart!, hour.mean!, hour.quantile(0.99)!)
        }
        #expect(hourly.count == 24 * 31)
        #expect(hourly.first?.bucketStart == march && hourly.last?.bucketStart == april - 3_600_000_000_000)
        // Each hour: 240 readings; quantile_disc(0.99) is rank 237 of 240, the third largest: 30 + 57/4.
        for hour in hourly {
            #expect(hour.mean == 15 + 29.5 / 4)
            let p99 = try #require(hour.quantile(0.99))
            #expect(abs(p99 - 44.25) <= 0.01 * 44.25)
        }

        // One sensor over one month, through the sorted form.
        let sorted = try readings.seal(sortedBy: .sensorThenTime)
        let month = try sorted.query(RecordQuery(
            filter: RecordFilter(sensorIDs: [2], fromTimestamp: march, toTimestamp: april),
            aggregates: [.count, .mean, .max]))
        print(month.first?.mean ?? .nan, month.first?.maximum ?? .nan)
        #expect(month.count == 1 && month.first?.count == minutes)
        #expect(month.first?.mean == 20 + 29.5 / 4 && month.first?.maximum == 20 + 59.0 / 4)

        // NaN, empty stores and empty ranges. (The readings moved into `sorted`.)
        #expect(readings.isEmpty)
        try readings.append(SensorRecord(sensorID: 1, timestampNanoseconds: march, value: .nan, unit: .celsius))
        try readings.append(SensorRecord(sensorID: 1, timestampNanoseconds: march + 1, value: 4, unit: .celsius))
        let empty = try readings.query(RecordQuery(
            filter: RecordFilter(sensorIDs: [999]), grouping: .sensor, aggregates: [.count]))
        print(empty.isEmpty, empty.skippedNaNCount)
        #expect(empty.isEmpty && empty.skippedNaNCount == 0)
        let withNaN = try readings.query(RecordQuery(grouping: .sensor, aggregates: [.count, .mean]))
        #expect(withNaN.first?.count == 1 && withNaN.first?.mean == 4 && withNaN.skippedNaNCount == 1)

        // Reading while writing, and reading from disk.
        let view = readings.view()
        let total = Task { try view.query(RecordQuery(aggregates: [.count, .sum])).first?.sum }
        try readings.writeSnapshot(to: snapshotPath)
        let snapshot = try MappedSnapshot(contentsOf: snapshotPath)
        let fromDisk = try snapshot.query(RecordQuery(grouping: .sensor, aggregates: [.max]))
        print(try await total.value ?? 0, fromDisk.count)
        #expect(try await total.value == 4 && fromDisk.count == 1 && fromDisk.first?.maximum == 4)
    }

    @Test func everyLineOfTheArticlesSwiftBlocksIsInThisSuite() {
        expectEveryLine(ofArticle: Self.article, blockCount: 6, isIn: #filePath)
    }
}
