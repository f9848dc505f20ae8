import DenseRecordsArena
import DenseRecordsArrow
import DenseRecordsCore
import DenseRecordsSnapshot
import DenseRecordsTestSupport
import Foundation
import Testing

@Suite("Arrow export of a damaged snapshot")
struct ArrowDamagedInputTests {
    @Test("Exporting an unverified mapped snapshot with a damaged block throws for that block and leaves no file")
    func damagedBlockIsRefused() throws {
        let snapshot = temporaryArrowPath("source", extension: "drsnap")
        let target = temporaryArrowPath("damaged")
        defer {
            try? FileManager.default.removeItem(atPath: snapshot)
            try? FileManager.default.removeItem(atPath: target)
        }
        let arena = RecordArena()
        for i in 0..<100 { try arena.append(record(i)) }
        try arena.writeSnapshot(to: snapshot, options: .init(recordsPerBlock: 16))
        // Flip one bit in the last record of block 2, inside its payload.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: snapshot))
        let blockEnd = SnapshotFormat.dataOffset + 2 * (16 * 21 + SnapshotFormat.trailerSize) + 16 * 21
        bytes[blockEnd - 30] ^= 0x10
        try bytes.write(to: URL(fileURLWithPath: snapshot))

        let mapped = try MappedSnapshot(contentsOf: snapshot)
        var writer = try ArrowWriter(path: target)
        do {
            try writer.write(mapped)
            Issue.record("a damaged block was exported")
        } catch {
            guard case .damagedInput(let chunk, let reason) = error else {
                Issue.record("expected damagedInput, got \(error)")
                return
            }
            #expect(chunk == 2)
            #expect(reason.contains("CRC32C"))
        }
        _ = consume writer
        #expect(!FileManager.default.fileExists(atPath: target))
    }
}
