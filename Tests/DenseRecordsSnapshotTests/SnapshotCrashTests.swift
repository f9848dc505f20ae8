import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsTestSupport
@_spi(Testing) import DenseRecordsSnapshot
import Foundation
import Testing

/// Kills a child process at each write, fsync, truncate and rename of a save or
/// an append (a write lands half its bytes first), then opens what is left.
///
/// Each test kills the child at checkpoint 1, 2, … up to a bound past the last
/// one (a save here has 29; the bound is 36), and checks that the outcomes go
/// from "old" to "new" exactly once. If a change added writes beyond the bound,
/// the last runs would still end "old" and the test would fail.
@Suite("Snapshot crash safety", .enabled(if: SnapshotFaultInjection.isAvailable, "the kill hook exists in debug builds only"))
struct SnapshotCrashTests {
    static let perBlock = 16

    /// Which state a file at `path` holds: the `old` records, or old + `added` (for an append) / `new`.
    enum Outcome: Equatable { case old, new }

    /// Opens, fully verifies and compares the file: it must be exactly one of the two states.
    func outcome(at path: String, old: (count: Int, first: Int), new: (count: Int, first: Int),
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> Outcome? {
        let view = try MappedSnapshot(contentsOf: path)
        try view.verify()
        if holdsExactly(view, old.count, first: old.first) { return .old }
        if holdsExactly(view, new.count, first: new.first) { return .new }
        Issue.record("torn snapshot: \(view.count) records, neither the old nor the new state", sourceLocation: sourceLocation)
        return nil
    }

    @Test("A save killed at any point leaves the old snapshot or the new one")
    func killedSave() async throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let target = folder.file("target.drsnap"), source = folder.file("source.drsnap")
        // The new records come from a mapped snapshot, whose every block is a chunk:
        // 25 chunks, so the save makes 25 writev calls, each a place to die.
        try makeArena(400, first: 10_000).writeSnapshot(to: source, options: .init(recordsPerBlock: Self.perBlock))
        try makeArena(300).writeSnapshot(to: target, options: .init(recordsPerBlock: Self.perBlock))
        let original = try bytes(of: target)

        var outcomes: [Outcome] = []
        for checkpoint in 1...36 {
            try write(original, to: target)
            await #expect(processExitsWith: .signal(SIGKILL)) { [source = source as String, target = target as String, checkpoint = checkpoint as Int] in
                let records = try MappedSnapshot(contentsOf: source)
                SnapshotFaultInjection.killAtCheckpoint(checkpoint)
                try records.writeSnapshot(to: target, options: .init(recordsPerBlock: 16))
                // Not killed: the save finished. Die anyway, as a crash right after it would.
                SnapshotFaultInjection.killAtCheckpoint(0)
                _ = raise(SIGKILL)
            }
            if let state = try outcome(at: target, old: (300, 0), new: (400, 10_000)) { outcomes.append(state) }
        }
        // Old until the rename, new from then on: one switch, and both states seen.
        #expect(outcomes.count == 36)
        let switchPoint = outcomes.firstIndex(of: .new) ?? outcomes.count
        #expect(switchPoint > 25, "the rename comes after every block write")
        #expect(outcomes[..<switchPoint].allSatisfy { $0 == .old } && outcomes[switchPoint...].allSatisfy { $0 == .new })
        #expect(outcomes.last == .new)
    }

    /// With one earlier append the header is 160 bytes, so a kill's half-landed
    /// 2 KiB slot write carries all of it. With 69 it is 2,368 bytes, so a kill
    /// at the uncommitted slot write leaves it torn (its CRC32C fails), over the
    /// generation before last.
    @Test("An append killed at any point leaves the file as before or after it, and the next append works",
          arguments: [1, 69])
    func killedAppend(earlierAppends: Int) async throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let target = folder.file("target.drsnap"), source = folder.file("source.drsnap")
        let old = 300 + 5 * earlierAppends
        try makeArena(200, first: old).writeSnapshot(to: source, options: .init(recordsPerBlock: Self.perBlock))
        try makeArena(300).writeSnapshot(to: target, options: .init(recordsPerBlock: Self.perBlock))
        // Earlier appends, so that the next one writes its slot over an older generation.
        for append in 0..<earlierAppends { try makeArena(5, first: 300 + 5 * append).appendSnapshot(to: target) }
        let original = try bytes(of: target)

        var outcomes: [Outcome] = []
        for checkpoint in 1...20 {
            try write(original, to: target)
            await #expect(processExitsWith: .signal(SIGKILL)) { [source = source as String, target = target as String, checkpoint = checkpoint as Int] in
                let records = try MappedSnapshot(contentsOf: source)
                SnapshotFaultInjection.killAtCheckpoint(checkpoint)
                try records.appendSnapshot(to: target)
                SnapshotFaultInjection.killAtCheckpoint(0)
                _ = raise(SIGKILL)
            }
            guard let state = try outcome(at: target, old: (old, 0), new: (old + 200, 0)) else { continue }
            outcomes.append(state)
            // Whatever the crash left past the committed end, the next append starts clean.
            let total = state == .old ? old : old + 200
            try makeArena(7, first: total).appendSnapshot(to: target)
            let grown = try MappedSnapshot(contentsOf: target)
            try grown.verify()
            #expect(holdsExactly(grown, total + 7), "after a kill at checkpoint \(checkpoint)")
        }
        #expect(outcomes.count == 20)
        let switchPoint = outcomes.firstIndex(of: .new) ?? outcomes.count
        // The uncommitted slot (write, fsync), 14 block writes (13 chunks, then the last,
        // partial block's trailer), the version 2 block directory, fsync, then the commit
        // write: the 19th checkpoint is the first whose kill leaves the new state.
        #expect(switchPoint == 18, "the commit is the write after every block, the directory and their fsync")
        #expect(outcomes[..<switchPoint].allSatisfy { $0 == .old } && outcomes[switchPoint...].allSatisfy { $0 == .new })
        #expect(outcomes.last == .new)
    }
}
