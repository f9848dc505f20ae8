import InternalDenseRecordsUtilities

/// Entry points for the package's fuzz targets, which build against the
/// library like any client and so cannot see its internal parsers.
///
/// Not API: `@_spi(Fuzzing)` keeps them out of the public interface and the documentation.
@_spi(Fuzzing)
public enum SnapshotFuzzing {
    /// Validates `bytes` as a whole snapshot file, as every reader does before it
    /// maps a block, and traps if an accepted header describes blocks that do not
    /// lie inside the bytes or a rejection has no description.
    ///
    /// - Parameter bytes: A candidate snapshot file.
    /// - Returns: The record count of an accepted file, or `nil` when it was rejected.
    public static func checkHeader(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let size = bytes.count
        do {
            let header = try SnapshotFormat.validate(bytes)
            // What a reader will then rely on: every block lies inside the bytes.
            precondition(header.fileSize <= size, "accepted a header that describes more than the file")
            if header.isCompressed {
                // Compressed blocks: each directory entry's range lies inside the bytes, in order.
                var end = SnapshotFormat.dataOffset
                var records = 0
                for block in 0..<header.blockCount {
                    let info = SnapshotFormat.decodeDirectoryEntry(
                        bytes.baseAddress.unsafelyUnwrapped + header.directoryEntryOffset(ofBlock: block), index: block)
                    precondition(info.fileOffset == end && info.byteCount > 0 && end + info.byteCount <= size, "accepted a block outside the file")
                    end += info.byteCount
                    records += info.zoneMap.recordCount
                }
                precondition(records == header.recordCount, "the blocks do not add up to the header's record count")
                return records
            }
            precondition(header.recordCount * SnapshotFormat.recordSize <= size, "accepted more records than bytes")
            var records = 0
            for block in 0..<header.blockCount {
                let location = header.block(block)
                precondition(
                    location.fileOffset + location.recordCount * SnapshotFormat.recordSize + SnapshotFormat.trailerSize <= size,
                    "accepted a block that ends past the file")
                precondition(location.firstRecord == records, "block \(block) does not start where the last ended")
                records += location.recordCount
            }
            precondition(records == header.recordCount, "the blocks do not add up to the header's record count")
            return records
        } catch {
            precondition(!error.description.isEmpty, "a rejection without a description")
            return nil
        }
    }

    /// Damages the newest header slot of a candidate snapshot in place, for a
    /// fuzzer's custom mutator.
    ///
    /// The newest slot is the one holding the magic whose generation field is
    /// higher (slot A if only it has the magic). One to four of its bytes
    /// inside its header length are XORed with random non-zero values. Then,
    /// for half of the seeds, its CRC32C is recomputed over the damaged bytes,
    /// so that the damage gets past the checksum and reaches the field checks;
    /// for the other half it is left alone, so that the damage exercises the
    /// fallback to the other slot and the search for blocks that prove a newer
    /// commit.
    ///
    /// - Parameters:
    ///   - bytes: A candidate snapshot file, changed in place.
    ///   - seed: The mutator's seed; the same seed makes the same damage.
    /// - Returns: `false`, with `bytes` unchanged, when they are shorter than
    ///   the header region or neither slot holds the magic.
    /// - Complexity: O(*h*) in the slot's header length (for the CRC32C).
    public static func mutateNewestHeaderSlot(_ bytes: UnsafeMutableRawBufferPointer, seed: UInt32) -> Bool {
        guard bytes.count >= SnapshotFormat.dataOffset else { return false }
        let view = UnsafeRawBufferPointer(bytes)
        let slots = [0, SnapshotFormat.slotSize].filter { SnapshotFormat.read(UInt64.self, view, $0) == SnapshotFormat.magic }
        guard let slot = slots.max(by: {
            SnapshotFormat.read(UInt64.self, view, $0 + SnapshotFormat.Field.generation)
                < SnapshotFormat.read(UInt64.self, view, $1 + SnapshotFormat.Field.generation)
        }) else { return false }
        var random = SplitMix64(seed: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15)
        func headerLength() -> Int {
            let length = Int(SnapshotFormat.read(UInt16.self, view, slot + SnapshotFormat.Field.headerLength))
            return Swift.min(Swift.max(length, SnapshotFormat.fixedHeaderSize), SnapshotFormat.slotSize)
        }
        let length = headerLength()
        for _ in 0...Int(random.next() % 4) {
            bytes[slot + Int(random.next() % UInt64(length))] ^= UInt8(1 + random.next() % 255)
        }
        if random.next() & 1 == 0 {
            let sealed = UnsafeRawBufferPointer(rebasing: view[slot..<(slot + headerLength())])
            let crc = SnapshotFormat.headerChecksum(sealed)
            bytes.storeBytes(of: crc.littleEndian, toByteOffset: slot + SnapshotFormat.Field.checksum, as: UInt32.self)
        }
        return true
    }
}
