import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsSnapshot
import DenseRecordsTestSupport
import Foundation
import Testing

/// Replays the fuzz seed corpus. Its files come from Fuzz/make_snapshot_corpus.py,
/// an implementation of docs/snapshot-format.md that shares no code with the
/// Swift writer, so this also checks the reader against the spec.
@Suite("Snapshot fuzz corpus")
struct SnapshotCorpusTests {
    static let folder = repositoryRoot.appendingPathComponent("Fuzz/Corpus/snapshot").path

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".drsnap") }.sorted()
    }

    @Test("The corpus is there") func present() {
        #expect(Self.files.count >= 10, "no corpus at \(Self.folder)")
    }

    /// `valid-…` files validate and hold `record(0)`, `record(1)`, …; the others
    /// fail with the `SnapshotError` case their name starts with.
    @Test("Each corpus file gives the outcome its name announces", arguments: files)
    func replay(name: String) throws {
        let path = Self.folder + "/" + name
        let expected = String(name.prefix { $0 != "-" && $0 != "." })
        let errors = openErrors(path)
        if expected == "valid" {
            #expect(errors.mapped == nil && errors.loaded == nil && errors.validated == nil)
            let mapped = try MappedSnapshot(contentsOf: path)
            #expect(holdsExactly(mapped, mapped.count))
            #expect(holdsExactly(try RecordArena(contentsOfSnapshot: path), mapped.count))
        } else {
            let error = try #require(errors.validated, "\(name) validated")
            #expect(caseName(error) == expected)
            #expect(errors.mapped == error && errors.loaded == error)
        }
    }

    private func caseName(_ error: SnapshotError) -> String {
        if error == .emptyFile { return "emptyFile" }
        return Mirror(reflecting: error).children.first?.label ?? ""
    }
}
