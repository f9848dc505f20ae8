import DenseRecordsArena
import DenseRecordsCore
@testable import DenseRecordsSnapshot
import DenseRecordsTestSupport
import Foundation
import Testing

@Suite("Snapshot temporary names")
struct SnapshotTemporaryNameTests {
    /// A process that crashed mid-save leaves `.<name>.tmp-<pid>-<n>`; a later process with
    /// the same id reaches the same names. The save moves past them and leaves them alone.
    @Test("A save moves past stale temporary files that hold its next names, and leaves them untouched")
    func staleTemporaryFilesAreSkipped() throws {
        let folder = try ScratchFolder()
        let target = folder.file("readings.drsnap")
        // The name the save would take next is this one's successor.
        let taken = temporaryPath(for: target, in: folder.path)
        let prefix = String(taken[..<taken.index(after: taken.lastIndex(of: "-")!)])
        let counter = Int(taken[taken.index(after: taken.lastIndex(of: "-")!)...])!
        let stale = (1...3).map { prefix + String(counter + $0) }
        for path in stale { try Data("left by a crash".utf8).write(to: URL(fileURLWithPath: path)) }

        let arena = RecordArena()
        for i in 0..<1_000 { try arena.append(record(i)) }
        try arena.writeSnapshot(to: target)

        let snapshot = try MappedSnapshot(contentsOf: target)
        try snapshot.verify()
        #expect(Array(snapshot) == Array(arena))
        for path in stale {
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "left by a crash", "\(path)")
        }
        #expect(folder.names().filter { $0.hasPrefix(".readings.drsnap.tmp-") }.count == 3, "\(folder.names())")
    }
}
