import DenseRecordsCore
public import DenseRecordsArena
import InternalDenseRecordsUtilities
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension RecordArena {
    /// Creates an arena holding a copy of every record in the snapshot at `path`.
    ///
    /// The file is mapped, each block is checked against its CRC32C and then
    /// copied into the arena with one `memcpy`, so a damaged file is reported
    /// before any of it is trusted. Capacity for every record is reserved up front.
    ///
    /// ```swift
    /// let arena = try RecordArena(contentsOfSnapshot: "/var/lib/sensors/readings.drsnap")
    /// ```
    ///
    /// - Parameters:
    ///   - path: A snapshot file.
    ///   - byteLimit: The new arena's byte limit, or `nil` for none.
    /// - Throws: ``SnapshotError`` if the file is damaged or unreadable, or
    ///   ``SnapshotError/arena(_:)`` if the arena cannot hold the records.
    /// - Complexity: O(*n*).
    public convenience init(contentsOfSnapshot path: String, byteLimit: Int? = nil) throws(SnapshotError) {
        let snapshot = try MappedSnapshot(contentsOf: path)
        self.init(byteLimit: byteLimit)
        do {
            try reserveCapacity(snapshot.count)
        } catch {
            throw .arena(error)
        }
        snapshot.advise(MADV_SEQUENTIAL)
        for block in 0..<snapshot.header.blockCount {
            try snapshot.verifyBlock(block)
            do {
                try append(contentsOf: snapshot.buffer(ofBlock: block))
            } catch {
                throw .arena(error)
            }
        }
    }
}
