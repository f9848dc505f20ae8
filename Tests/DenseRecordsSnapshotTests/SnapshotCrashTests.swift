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

    @Test("An append killed at any point leaves the file as before or after it, and the next append works")
    func killedAppend() async throws {
        let folder = try ScratchFolder()
        defer { withExtendedLifetime(folder) {} }
        let target = folder.file("target.drsnap"), source = folder.file("source.drsnap")
        try makeArena(200, first: 300).writeSnapshot(to: source, options: .init(recordsPerBlock: Self.perBlock))
        try makeArena(300).writeSnapshot(to: target, options: .init(recordsPerBlock: Self.perBlock))
        // A first append, so that the next one writes slot A over generation 0.
        try makeArena(0).appendSnapshot(to: target)
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
            guard let state = try outcome(at: target, old: (300, 0), new: (500, 0)) else { continue }
            outcomes.append(state)
            // Whatever the crash left past the committed end, the next append starts clean.
            let total = state == .old ? 300 : 500
            try makeArena(7, first: total).appendSnapshot(to: target)
            let grown = try MappedSnapshot(contentsOf: target)
            try grown.verify()
            #expect(holdsExactly(grown, total + 7), "after a kill at checkpoint \(checkpoint)")
        }
        #expect(outcomes.count == 20)
        let switchPoint = outcomes.firstIndex(of: .new) ?? outcomes.count
        #expect(switchPoint > 13, "the header is written after every block")
        #expect(outcomes[..<switchPoint].allSatisfy { $0 == .old } && outcomes[switchPoint...].allSatisfy { $0 == .new })
        #expect(outcomes.last == .new)
    }
}
