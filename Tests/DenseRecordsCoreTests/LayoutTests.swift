import DenseRecordsCore
import DenseRecordsTestSupport
import Testing

@Suite("Record layout")
struct LayoutTests {
    @Test("sensor_record_t is 21 packed bytes on the Swift side too")
    func packedLayout() {
        #expect(MemoryLayout<sensor_record_t>.size == 21)
        #expect(MemoryLayout<sensor_record_t>.stride == 21)
        #expect(MemoryLayout<sensor_record_t>.alignment == 1)
        #expect(MemoryLayout<SensorRecord>.size == 21)
        #expect(MemoryLayout<SensorRecord>.stride == 21)
        #expect(MemoryLayout<sensor_record_t>.offset(of: \.sensor_id) == 0)
        #expect(MemoryLayout<sensor_record_t>.offset(of: \.timestamp_ns) == 4)
        #expect(MemoryLayout<sensor_record_t>.offset(of: \.value) == 12)
        #expect(MemoryLayout<sensor_record_t>.offset(of: \.unit) == 20)
    }

    @Test("The byte layout is little-endian, field by field")
    func littleEndianBytes() {
        let record = sensor_record_t(sensor_id: 0x0403_0201, timestamp_ns: 0x0C0B_0A09_0807_0605, value: 1.0, unit: 0xAB)
        let bytes = withUnsafeBytes(of: record) { Array($0) }
        #expect(Array(bytes[0..<4]) == [0x01, 0x02, 0x03, 0x04])
        #expect(Array(bytes[4..<12]) == [0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C])
        #expect(Array(bytes[12..<20]) == Array(withUnsafeBytes(of: (1.0).bitPattern.littleEndian) { Array($0) }))
        #expect(bytes[20] == 0xAB)
    }
}
