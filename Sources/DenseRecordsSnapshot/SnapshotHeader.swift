import DenseRecordsCore
import DenseRecordsArena
import InternalDenseRecordsUtilities
/// The committed state of a snapshot file, as its header describes it.
///
/// Read one with ``SnapshotFormat/parseHeader(_:)``, or from an open
/// ``MappedSnapshot``. docs/snapshot-format.md defines every field.
public struct SnapshotHeader: Sendable, Equatable {
    /// One run of blocks written by one save or one append.
    ///
    /// Every block of a segment holds ``SnapshotHeader/recordsPerBlock``
    /// records except its last, which may hold fewer.
    public struct Segment: Sendable, Equatable {
        /// The file offset of the segment's first block.
        public internal(set) var fileOffset: Int
        /// The number of records in the segment.
        public internal(set) var recordCount: Int
        /// The index, in the whole snapshot, of the segment's first record.
        public internal(set) var firstRecord: Int
        /// The index, in the whole snapshot, of the segment's first block.
        public internal(set) var firstBlock: Int

        /// The number of blocks the segment's records fill.
        ///
        /// - Parameter recordsPerBlock: The snapshot's ``SnapshotHeader/recordsPerBlock``.
        /// - Returns: The records divided by `recordsPerBlock`, rounded up.
        /// - Complexity: O(1).
        public func blockCount(recordsPerBlock: Int) -> Int {
            (recordCount + recordsPerBlock - 1) / recordsPerBlock
        }

        /// The number of bytes the segment takes: its blocks, and in version 2 its block directory.
        func byteCount(recordsPerBlock: Int, formatVersion: UInt16) -> Int {
            let blocks = blockCount(recordsPerBlock: recordsPerBlock)
            let directory = SnapshotFormat.hasDirectory(formatVersion) ? SnapshotFormat.directoryByteCount(blocks: blocks) : 0
            return recordCount * SnapshotFormat.recordSize + blocks * SnapshotFormat.trailerSize + directory
        }
    }

    /// The format version the file was written in.
    public internal(set) var formatVersion: UInt16
    /// Records per full block.
    public internal(set) var recordsPerBlock: Int
    /// Increases by one with every append; 0 after a save.
    public internal(set) var generation: UInt64
    /// The number of committed records.
    public internal(set) var recordCount: Int
    /// The number of committed blocks.
    public internal(set) var blockCount: Int
    /// When the snapshot was first saved, in nanoseconds since the Unix epoch (UTC).
    public internal(set) var creationTimeNanoseconds: Int64
    /// When the snapshot was last saved or appended to, in nanoseconds since the Unix epoch.
    public internal(set) var modificationTimeNanoseconds: Int64
    /// The committed size of the file: the offset just past the last block.
    ///
    /// Bytes past it are the remains of an interrupted append and are ignored.
    public internal(set) var fileSize: Int
    /// The segments, in record order.
    public internal(set) var segments: [Segment]
    /// The offset of the header slot this state was read from: 0 or 4096.
    public internal(set) var slotOffset: Int
    /// Whether the records are stored as compressed columnar blocks (the
    /// header's `columnar` flag): one segment of blocks of kind
    /// ``SnapshotBlockKind/columnar``, whose sizes only the block directory
    /// gives. ``recordsPerBlock`` is then the most records a block holds.
    public internal(set) var isCompressed: Bool = false

    init(
        formatVersion: UInt16, recordsPerBlock: Int, generation: UInt64, recordCount: Int, blockCount: Int,
        creationTimeNanoseconds: Int64, modificationTimeNanoseconds: Int64, fileSize: Int, segments: [Segment],
        slotOffset: Int, isCompressed: Bool = false
    ) {
        self.isCompressed = isCompressed
        self.formatVersion = formatVersion
        self.recordsPerBlock = recordsPerBlock
        self.generation = generation
        self.recordCount = recordCount
        self.blockCount = blockCount
        self.creationTimeNanoseconds = creationTimeNanoseconds
        self.modificationTimeNanoseconds = modificationTimeNanoseconds
        self.fileSize = fileSize
        self.segments = segments
        self.slotOffset = slotOffset
    }

    /// Creates the header of a fresh snapshot of `recordCount` records in one segment.
    init(recordCount: Int, recordsPerBlock: Int, creationTime: Int64, formatVersion: UInt16 = SnapshotFormat.currentVersion) {
        let segment = Segment(fileOffset: SnapshotFormat.dataOffset, recordCount: recordCount, firstRecord: 0, firstBlock: 0)
        self.formatVersion = formatVersion
        self.recordsPerBlock = recordsPerBlock
        self.generation = 0
        self.recordCount = recordCount
        self.blockCount = segment.blockCount(recordsPerBlock: recordsPerBlock)
        self.creationTimeNanoseconds = creationTime
        self.modificationTimeNanoseconds = creationTime
        self.fileSize = SnapshotFormat.dataOffset
            + (recordCount == 0 ? 0 : segment.byteCount(recordsPerBlock: recordsPerBlock, formatVersion: formatVersion))
        self.segments = recordCount == 0 ? [] : [segment]
        self.slotOffset = 0
    }

    /// Creates the header of a fresh compressed snapshot: `recordCount` records
    /// in one segment of `blockCount` columnar blocks taking `blockBytes` bytes.
    init(compressedRecordCount recordCount: Int, blockCount: Int, blockBytes: Int, recordsPerBlock: Int, creationTime: Int64) {
        self.init(recordCount: recordCount, recordsPerBlock: recordsPerBlock, creationTime: creationTime)
        isCompressed = true
        self.blockCount = blockCount
        fileSize = SnapshotFormat.dataOffset + (blockCount == 0 ? 0 : blockBytes + SnapshotFormat.directoryByteCount(blocks: blockCount))
    }

    /// The header after appending `count` records as a new segment at the committed end.
    func appending(_ count: Int, modificationTime: Int64) -> SnapshotHeader {
        var next = self
        let segment = Segment(fileOffset: fileSize, recordCount: count, firstRecord: recordCount, firstBlock: blockCount)
        next.generation += 1
        next.recordCount += count
        next.blockCount += segment.blockCount(recordsPerBlock: recordsPerBlock)
        next.fileSize += segment.byteCount(recordsPerBlock: recordsPerBlock, formatVersion: formatVersion)
        next.modificationTimeNanoseconds = modificationTime
        next.segments.append(segment)
        next.slotOffset = SnapshotFormat.slotOffset(forGeneration: next.generation)
        return next
    }
}
