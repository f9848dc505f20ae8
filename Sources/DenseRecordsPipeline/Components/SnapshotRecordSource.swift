import DenseRecordsCore
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities

/// A source that reads every record of a snapshot file, checking each block's
/// CRC32C before any of its records is handed on.
///
/// The file is mapped in ``open()``; batches are copied straight out of the
/// mapping, one `memcpy` per block piece. A damaged block stops the run with
/// its ``SnapshotError`` before its records flow.
///
/// In a spec, registered as `snapshot`:
///
/// ```json
/// { "component": "snapshot", "name": "stored", "parameters": { "path": "readings.drsnap" } }
/// ```
public final class SnapshotRecordSource: RecordSource {
    /// The snapshot file to read.
    public let path: String
    private var snapshot: MappedSnapshot?
    private var block = 0
    private var offsetInBlock = 0

    /// Configures the source; nothing is opened.
    ///
    /// - Parameter path: The snapshot to read.
    public init(path: String) {
        self.path = path
    }

    /// Opens and maps the snapshot.
    ///
    /// - Throws: ``SnapshotError`` when the file is missing, unreadable or not a valid snapshot.
    public func open() async throws {
        snapshot = try MappedSnapshot(contentsOf: path)
        block = 0
        offsetInBlock = 0
    }

    /// Copies the next records into `batch`, checking each block before its first record is copied.
    ///
    /// - Parameter batch: An empty batch to fill.
    /// - Returns: `false` once every record has been read.
    /// - Throws: ``SnapshotError`` for a block that fails its check.
    /// - Precondition: ``open()`` was called; the process traps with a message otherwise.
    /// - Complexity: O(*n*) in the records copied, plus one checksum per block reached.
    public func nextBatch(into batch: inout RecordBatch) async throws -> Bool {
        guard let snapshot else { requirementFailed("SnapshotRecordSource.nextBatch called before open()") }
        var copiedAny = false
        while block < snapshot.blockCount, batch.remainingCapacity > 0 {
            if offsetInBlock == 0 { try snapshot.verifyBlock(block) }
            let copied = snapshot.withBlock(block, columns: .all) { (records: RecordBlock) -> Int in
                switch records {
                case .rows(let rows):
                    return batch.append(contentsOf: UnsafeBufferPointer(rebasing: rows[offsetInBlock...]))
                case .columns(let columns):
                    // A block store may hand out columns even when every column is asked for.
                    guard let sensors = columns.sensorIDs, let times = columns.timestamps, let values = columns.values,
                        let units = columns.unitCodes
                    else { requirementFailed("block \(block) of \(path) lacks a column it was asked for") }
                    let end = min(columns.count, offsetInBlock + batch.remainingCapacity)
                    for index in offsetInBlock..<end {
                        batch.append(raw: sensor_record_t(
                            sensor_id: sensors[index], timestamp_ns: times[index], value: values[index], unit: units[index]))
                    }
                    return end - offsetInBlock
                }
            }
            copiedAny = copiedAny || copied > 0
            offsetInBlock += copied
            if offsetInBlock == snapshot.withBlock(block, columns: .all, { $0.count }) {
                block += 1
                offsetInBlock = 0
            }
        }
        return copiedAny
    }

    /// Unmaps the snapshot.
    public func close() async {
        snapshot = nil
    }
}
