import DenseRecordsCore
import DenseRecordsTestSupport
import Foundation
import Testing

@Suite("SensorRecord")
struct SensorRecordTests {
    @Test("Date and Duration conversions")
    func conversions() {
        let r = SensorRecord(sensorID: 3, timestampNanoseconds: 1_700_000_000_123_456_789, value: 1, unit: .volt)
        #expect(r.sinceEpoch == .seconds(1_700_000_000) + .nanoseconds(123_456_789))
        #expect(abs(r.date.timeIntervalSince1970 - 1_700_000_000.123456789) < 1e-6)
        let fromDate = SensorRecord(sensorID: 3, date: Date(timeIntervalSince1970: 1.5), value: 1, unit: .volt)
        #expect(fromDate.timestampNanoseconds == 1_500_000_000)
        #expect(r.shifted(by: .milliseconds(-1)).timestampNanoseconds == 1_700_000_000_122_456_789)
    }

    @Test("Equality and hashing compare every field, NaN included")
    func equality() {
        let a = SensorRecord(sensorID: 1, timestampNanoseconds: 2, value: .nan, unit: .lux)
        #expect(a == a)
        #expect(Set([a, a, record(1)]).count == 2)
        var b = a
        b.sensorID = 9
        #expect(a != b)
        var c = a
        c.unit = .ppm
        #expect(a != c)
    }

    @Test("Description names every field, negative timestamps included")
    func description() {
        let r = SensorRecord(sensorID: 7, timestampNanoseconds: -1, value: 21.5, unit: .celsius)
        #expect(r.description == "sensor 7 @ -0.000000001 = 21.5 celsius")
        #expect(record(0).description.hasPrefix("sensor 0 @ 1700000000.000000000 = -17.0"))
    }
}

@Suite("SensorRecord preconditions")
struct SensorRecordPreconditionTests {
    @Test("A date outside the Int64 nanosecond range traps")
    func dateOutOfRangeTraps() async {
        await #expect(processExitsWith: .failure) {
            _ = SensorRecord(sensorID: 1, date: Date(timeIntervalSince1970: 1e12), value: 0, unit: .count)
        }
    }
}
