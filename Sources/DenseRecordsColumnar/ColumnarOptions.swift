/// How ``CompressedRecords`` cuts and encodes its blocks.
public struct ColumnarOptions: Sendable, Hashable {
    /// The default block size, chosen by measurement (see the Compressed records article):
    /// the smallest size whose bytes per record is within 2% of 65,536-record blocks on
    /// the synthetic and weather data sets.
    public static let defaultRecordsPerBlock = 4_096

    /// The largest block: positions inside a block are 16-bit.
    public static let maximumRecordsPerBlock = 65_536

    /// The most records per block, `1...65_536`.
    ///
    /// A block also ends where a new sensor starts once it holds at least
    /// `recordsPerBlock / 16` records, so that most blocks hold one sensor's
    /// series (one scale, one decimal exponent), while sensors with few
    /// records share blocks.
    ///
    /// Larger blocks compress a little better and scan a little faster; smaller
    /// blocks let zone maps skip more finely and cost less scratch memory per decode.
    public var recordsPerBlock: Int

    /// Options with `recordsPerBlock` records per block.
    ///
    /// - Parameter recordsPerBlock: Records per block. ``CompressedRecords``
    ///   throws ``ColumnarError/invalidBlockSize(_:)`` for a size outside `1...65_536`.
    public init(recordsPerBlock: Int = ColumnarOptions.defaultRecordsPerBlock) {
        self.recordsPerBlock = recordsPerBlock
    }
}

/// Why a compressed store could not be built or opened.
public enum ColumnarError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The requested block size is outside `1...65_536`.
    case invalidBlockSize(Int)
    /// The input holds more records than a compressed store can index (`UInt32.max`).
    case tooManyRecords(count: Int, limit: Int)
    /// The system refused an allocation of this many bytes.
    case outOfMemory(bytes: Int)
    /// A block handed to ``CompressedRecords/init(blocks:blockOffsets:owner:)`` is malformed:
    /// which block, the byte offset within it, and what is wrong.
    case malformedBlock(block: Int, byteOffset: Int, reason: String)

    /// A sentence naming what was wrong and where.
    public var description: String {
        switch self {
        case .invalidBlockSize(let size):
            "records per block must be in 1...\(ColumnarOptions.maximumRecordsPerBlock), got \(size)"
        case let .tooManyRecords(count, limit):
            "a compressed store holds at most \(limit) records, the input has \(count)"
        case .outOfMemory(let bytes):
            "out of memory allocating \(bytes) bytes for a compressed store"
        case let .malformedBlock(block, offset, reason):
            "compressed block \(block) is malformed at byte \(offset): \(reason)"
        }
    }
}

/// One column's encoding in one block.
public enum ColumnEncoding: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// One entry per run of equal values (sensor ids, units).
    case runLength = "run-length"
    /// A dictionary of the distinct values and a bit-packed index per record (units).
    case dictionary
    /// `x - min`, bit-packed (timestamps).
    case frameOfReference = "frame-of-reference"
    /// Deltas against a reference delta, zigzag and bit-packed, with exceptions
    /// and checkpoints (timestamps). Regular intervals cost 0 bits per record.
    case delta
    /// ALP-style decimals: `value × 10^e` as integers, frame of reference, bit-packed, exceptions patched.
    case decimalFrameOfReference = "decimal-frame-of-reference"
    /// ALP-style decimals whose integers are delta-coded, exceptions patched.
    case decimalDelta = "decimal-delta"
    /// The raw 8-byte IEEE 754 bits.
    case plain

    /// The encoding's name, as `inspect` prints it.
    public var description: String { rawValue }
}

/// The encodings of one block's four columns.
public struct ColumnarBlockEncodings: Sendable, Hashable {
    /// The sensor id column's encoding.
    public var sensorID: ColumnEncoding
    /// The timestamp column's encoding.
    public var timestamp: ColumnEncoding
    /// The value column's encoding.
    public var value: ColumnEncoding
    /// The unit column's encoding.
    public var unit: ColumnEncoding
}
