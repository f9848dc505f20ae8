import DenseRecordsCore
import InternalDenseRecordsUtilities
/// Constants of the Arrow IPC framing and of the sensor-record schema.
enum ArrowLayout {
    /// Buffers in a message body start at multiples of this, and bodies start at
    /// multiples of it in the stream: the 64-byte alignment the columnar format prefers.
    static let bufferAlignment = 64

    /// `ARROW1` followed by two zero bytes: the file format's leading magic, padded to 8.
    static let fileMagicPadded: [UInt8] = Array("ARROW1".utf8) + [0, 0]

    /// `ARROW1`: the file format's trailing magic.
    static let fileMagic: [UInt8] = Array("ARROW1".utf8)

    /// The continuation marker that starts every encapsulated message.
    static let continuation: UInt32 = 0xFFFF_FFFF

    /// The dictionary id of the `unit` column.
    static let unitDictionaryID: Int64 = 0

    /// The columns in schema order: sensor_id, timestamp, value, unit.
    static let columnCount = 4

    /// Bytes per row of each column, in schema order.
    static let columnWidths = [4, 8, 8, 1]

    /// `value` rounded up to a multiple of ``bufferAlignment``.
    static func padded(_ value: Int) -> Int {
        (value + bufferAlignment - 1) & ~(bufferAlignment - 1)
    }

    /// The `unit` dictionary's values: `SensorUnit(rawValue: i).name` for every code 0...255.
    static let unitNames: [String] = (0...255).map { SensorUnit(rawValue: UInt8($0)).name }
}
