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
}
