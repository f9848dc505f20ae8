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
    /// The header's record count is first checked against what the arena can
    /// hold: its `byteLimit` and the machine's physical memory. Only then is
    /// the file mapped, each block checked against its CRC32C and then
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
    /// - Throws: ``SnapshotError`` if the file is damaged or unreadable;
    ///   ``SnapshotError/arena(_:)`` with
    ///   `RecordArenaError.byteLimitExceeded` or
    ///   `RecordArenaError.requestExceedsPhysicalMemory` if the header claims
    ///   more records than `byteLimit` or physical memory allows (checked
    ///   before anything is mapped or reserved), or another `RecordArenaError`
    ///   if the arena cannot hold the records.
    /// - Complexity: O(*n*).
    public convenience init(contentsOfSnapshot path: String, byteLimit: Int? = nil) throws(SnapshotError) {
        let file = try SnapshotFile(path: path, .readOnly)
        let header = try file.readHeader().header
        // At most 2^52 records, so the product cannot overflow.
        let bytes = header.recordCount * SnapshotFormat.recordSize
        if let byteLimit, bytes > byteLimit {
            throw .arena(.byteLimitExceeded(limit: byteLimit, allocatedBytes: 0, requestedBytes: bytes))
        }
        let physical = physicalMemoryBytes()
        guard bytes <= physical else {
            throw .arena(.requestExceedsPhysicalMemory(requestedBytes: bytes, physicalBytes: physical))
        }
        let snapshot = try MappedSnapshot(file: file, header: header)
        self.init(byteLimit: byteLimit)
        do {
            try reserveCapacity(snapshot.count)
        } catch {
            throw .arena(error)
        }
        snapshot.advise(MADV_SEQUENTIAL)
        try snapshot.forEachCheckedBlock { (rows) throws(SnapshotError) in
            do throws(RecordArenaError) {
                try append(contentsOf: rows)
            } catch {
                throw .arena(error)
            }
        }
    }
}
