import DenseRecordsCore
import DenseRecordsColumnar
import InternalDenseRecordsUtilities
internal import CDenseRecordsShims

extension ChunkedRecords {
    /// Compresses the records (unless they already are a ``CompressedRecords``
    /// store) and saves them as a compressed snapshot at `path`, replacing any
    /// file there atomically, as ``writeSnapshot(to:options:)`` does for packed rows.
    ///
    /// A ``MappedSnapshot`` source is verified first, so a damaged block is
    /// reported instead of compressed into a valid file.
    func writeCompressedSnapshot(to path: String, columnarOptions: ColumnarOptions, creationTime: Int64) throws(SnapshotError) -> SnapshotHeader {
        if let store = self as? CompressedRecords {
            return try store.writeColumnarBlocks(to: path, recordsPerBlock: columnarOptions.recordsPerBlock, creationTime: creationTime)
        }
        if let mapped = self as? MappedSnapshot {
            try mapped.verify()
            if let store = mapped.compressedRecords {
                return try store.writeColumnarBlocks(to: path, recordsPerBlock: columnarOptions.recordsPerBlock, creationTime: creationTime)
            }
        }
        let store: CompressedRecords
        do {
            store = try CompressedRecords(compressing: self, options: columnarOptions)
        } catch {
            throw .columnar(error)
        }
        return try store.writeColumnarBlocks(to: path, recordsPerBlock: columnarOptions.recordsPerBlock, creationTime: creationTime)
    }
}

extension CompressedRecords {
    /// Writes the store's blocks as they are, with their block directory, to
    /// a temporary file that is flushed and renamed over `path`.
    func writeColumnarBlocks(to path: String, recordsPerBlock: Int, creationTime: Int64) throws(SnapshotError) -> SnapshotHeader {
        var blockBytes = 0
        // The header states the largest block's records: the store's own, which differ from
        // the options' when it was built with others (a compressed source is copied as it is).
        var largestBlock = 0
        for block in 0..<blockCount {
            blockBytes += withBlockBytes(block) { $0.count }
            largestBlock = Swift.max(largestBlock, zoneMap(ofBlock: block).recordCount)
        }
        let header = SnapshotHeader(
            compressedRecordCount: count, blockCount: blockCount, blockBytes: blockBytes,
            recordsPerBlock: Swift.max(blockCount == 0 ? recordsPerBlock : largestBlock, 1), creationTime: creationTime)
        try writeSnapshotFile(at: path, header: header) { (file) throws(SnapshotError) in
            if blockCount > 0 {
                let entries = UnsafeMutableRawBufferPointer.allocate(
                    byteCount: SnapshotFormat.directoryByteCount(blocks: blockCount), alignment: 8)
                defer { entries.deallocate() }
                entries.initializeMemory(as: UInt8.self, repeating: 0)
                let base = entries.baseAddress.unsafelyUnwrapped
                var offset = SnapshotFormat.dataOffset
                for block in 0..<blockCount {
                    let entry = base + block * SnapshotFormat.directoryEntrySize
                    try withBlockBytes(block) { (bytes) throws(SnapshotError) in
                        // The blocks are written as they lie in memory, one `write` each.
                        try file.writeAll([bytes])
                        let info = SnapshotBlockInfo(
                            index: block, kind: .columnar, fileOffset: offset, byteCount: bytes.count, zoneMap: zoneMap(ofBlock: block))
                        SnapshotFormat.encodeDirectoryEntry(info, into: entry)
                        let crc = dr_crc32c(0, bytes.baseAddress.unsafelyUnwrapped, bytes.count)
                        entry.storeBytes(of: crc.littleEndian, toByteOffset: ColumnarBlockLimits.checksumField, as: UInt32.self)
                        offset += bytes.count
                    }
                }
                let entryBytes = blockCount * SnapshotFormat.directoryEntrySize
                let trailer = base + entryBytes
                trailer.storeBytes(of: UInt32(blockCount).littleEndian, toByteOffset: 4, as: UInt32.self)
                trailer.storeBytes(of: UInt64(0).littleEndian, toByteOffset: 8, as: UInt64.self)
                var crc = dr_crc32c(0, base, entryBytes)
                crc = dr_crc32c(crc, trailer + 4, SnapshotFormat.directoryTrailerSize - 4)
                trailer.storeBytes(of: crc.littleEndian, toByteOffset: 0, as: UInt32.self)
                try file.writeAll([UnsafeRawBufferPointer(entries)])
            }
        }
        return header
    }
}
