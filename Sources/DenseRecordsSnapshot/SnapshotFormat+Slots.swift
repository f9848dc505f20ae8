internal import CDenseRecordsShims
internal import CDenseRecords

// Which header slot a reader trusts, and the evidence that tells a torn
// append from a damaged commit (docs/snapshot-format.md, "Reading" and "Appending").

extension SnapshotFormat {
    /// What one header slot holds.
    enum SlotContent {
        /// A valid, committed header.
        case committed(SnapshotHeader)
        /// A header an append wrote before its blocks (``Flags/uncommitted`` set
        /// and its CRC32C valid), or one whose commit write was torn between
        /// that header and the committed one: the append did not commit.
        case uncommitted
        /// Every byte zero: a save leaves slot B so until the first append.
        case unused
        /// Anything else: damaged, or torn while being written over an older generation.
        case damaged(SnapshotError)
    }

    /// Reads and classifies the slot at `slot` (0 or `slotSize`) of `bytes`, which hold both slots.
    static func readSlot(_ bytes: UnsafeRawBufferPointer, at slot: Int) -> SlotContent {
        let region = UnsafeRawBufferPointer(rebasing: bytes[slot..<(slot + slotSize)])
        if slot != 0, !region.contains(where: { $0 != 0 }) { return .unused }
        do {
            let (header, uncommitted) = try parseSlot(bytes, at: slot)
            return uncommitted ? .uncommitted : .committed(header)
        } catch {
            if case .headerChecksumMismatch = error, isTornCommit(region) { return .uncommitted }
            return .damaged(error)
        }
    }

    /// Whether a slot that fails its CRC32C is an append's commit write torn part-way.
    ///
    /// An append writes its slot twice: first with ``Flags/uncommitted`` set,
    /// then, after its blocks are flushed, without it. The two writes differ
    /// only in the flags field and the CRC32C, so a commit torn at any byte
    /// leaves every other byte as it is, the flags as one of the two values,
    /// and each checksum byte from one of the two checksums.
    static func isTornCommit(_ slot: UnsafeRawBufferPointer) -> Bool {
        let length = Int(read(UInt16.self, slot, Field.headerLength))
        let flags = read(UInt16.self, slot, Field.flags)
        guard length >= fixedHeaderSize, length <= slotSize, flags == 0 || flags == Flags.uncommitted else { return false }
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: length, alignment: 8)
        defer { copy.deallocate() }
        copy.copyMemory(from: UnsafeRawBufferPointer(rebasing: slot[0..<length]))
        func checksum(flags: UInt16) -> UInt32 {
            copy.storeBytes(of: flags.littleEndian, toByteOffset: Field.flags, as: UInt16.self)
            return headerChecksum(UnsafeRawBufferPointer(copy))
        }
        let committed = checksum(flags: 0), uncommitted = checksum(flags: Flags.uncommitted)
        let stored = read(UInt32.self, slot, Field.checksum)
        for byte in 0..<4 {
            let shift = UInt32(8 * byte), mask: UInt32 = 0xFF << shift
            guard stored & mask == committed & mask || stored & mask == uncommitted & mask else { return false }
        }
        return true
    }

    /// The error to report when neither slot holds a committed header: slot A's, else slot B's.
    static func noCommittedSlot(_ slots: [SlotContent]) -> SnapshotError {
        for slot in slots {
            if case let .damaged(error) = slot { return error }
        }
        return .invalidHeader(offset: Field.flags, reason: "no header slot holds a committed generation, only an unfinished append")
    }

    /// The trailer offset of a block that starts at `header.fileSize` in
    /// `bytes`, matches its CRC32C, and carries block index `header.blockCount`:
    /// evidence of a generation after `header`. `nil` if there is none.
    ///
    /// The block's record count is not known, so each count from
    /// `header.recordsPerBlock` (the usual, full block) down to 1 is tried.
    /// Only a candidate whose trailer names that count and index is checksummed.
    ///
    /// - Complexity: O(*b*) in the bytes of one block.
    static func continuationBlock(after header: SnapshotHeader, in bytes: UnsafeRawBufferPointer) -> Int? {
        let start = header.fileSize
        // A compressed snapshot is never appended to, so nothing can continue it.
        guard !header.isCompressed else { return nil }
        guard let base = bytes.baseAddress, bytes.count >= start + recordSize + trailerSize else { return nil }
        let most = Swift.min(header.recordsPerBlock, (bytes.count - start - trailerSize) / recordSize)
        let index = UInt64(header.blockCount)
        func matches(_ count: Int) -> Int? {
            let trailer = start + count * recordSize
            guard read(UInt32.self, bytes, trailer + 4) == UInt32(count), read(UInt64.self, bytes, trailer + 8) == index else {
                return nil
            }
            var crc = dr_crc32c(0, base + start, count * recordSize)
            crc = dr_crc32c(crc, base + trailer + 4, trailerSize - 4)
            return read(UInt32.self, bytes, trailer) == crc ? trailer : nil
        }
        if let trailer = matches(most) { return trailer }
        for count in stride(from: most - 1, through: 1, by: -1) {
            if let trailer = matches(count) { return trailer }
        }
        return nil
    }
}
