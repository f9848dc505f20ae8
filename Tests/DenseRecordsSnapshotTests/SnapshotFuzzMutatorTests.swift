import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsTestSupport
@_spi(Fuzzing) import DenseRecordsSnapshot
import Foundation
import Testing

/// The fuzz target's header mutator damages the newest slot only, and half its
/// mutations reseal the CRC32C so that they reach the field checks.
@Suite("Snapshot fuzz mutator")
struct SnapshotFuzzMutatorTests {
    /// Mutates `original` with seeds 0 ..< 400, checks that only bytes of the slot at
    /// `slot` (of `length` header bytes) change, and counts the outcomes of `validate`.
    func outcomes(of original: [UInt8], slot: Int, length: Int) -> [String: Int] {
        var outcomes: [String: Int] = [:]
        for seed in UInt32(0)..<400 {
            var mutated = original
            let applied = mutated.withUnsafeMutableBytes { SnapshotFuzzing.mutateNewestHeaderSlot($0, seed: seed) }
            #expect(applied)
            let changed = mutated.indices.filter { mutated[$0] != original[$0] }
            #expect(changed.allSatisfy { (slot..<(slot + length)).contains($0) }, "seed \(seed) changed \(changed)")
            let result = mutated.withUnsafeBytes { raw in
                Result { () throws(SnapshotError) in try SnapshotFormat.validate(raw) }
            }
            switch result {
            case .success: outcomes["accepted", default: 0] += 1
            case .failure(let error): outcomes[Mirror(reflecting: error).children.first?.label ?? "\(error)", default: 0] += 1
            }
        }
        return outcomes
    }

    @Test("Mutations stay inside the newest slot's header and reach both the checksum and the field checks")
    func newestSlotOnly() throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let path = folder.file("mutate.drsnap")
        // One slot in use: unsealed damage fails the checksum, resealed damage reaches the fields.
        try makeArena(10).writeSnapshot(to: path, options: .init(recordsPerBlock: 4))
        let saved = outcomes(of: try bytes(of: path), slot: 0, length: 96 + 32)
        #expect(saved["headerChecksumMismatch", default: 0] > 100, "\(saved)")
        #expect(saved["invalidHeader", default: 0] + saved["recordCountMismatch", default: 0] > 50, "\(saved)")
        // Two slots in use, the newest (slot B) damaged: whether or not it is resealed, the
        // reader falls back to slot A, finds generation 1's blocks, and reports it.
        try makeArena(10, first: 10).appendSnapshot(to: path)
        let appended = outcomes(of: try bytes(of: path), slot: SnapshotFormat.slotSize, length: 96 + 2 * 32)
        #expect(appended["damagedNewerHeader", default: 0] > 300, "\(appended)")
        // A file too short for the header region is left alone.
        var short = [UInt8](repeating: 0, count: 100)
        #expect(!short.withUnsafeMutableBytes { SnapshotFuzzing.mutateNewestHeaderSlot($0, seed: 1) })
    }
}
