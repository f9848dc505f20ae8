@_spi(Fuzzing) import DenseRecordsPipeline
import DenseRecordsCore
import DenseRecordsTestSupport
import Foundation
import Testing

/// The CSV fuzz targets' entry points on their committed corpus, in an ordinary test run:
/// they trap on a broken invariant, so every corpus line must pass through them.
@Suite("CSV fuzzing entry points")
struct CSVFuzzCorpusTests {
    static func split(_ line: String, _ delimiter: CSVDelimiter) -> Int? {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            CSVFuzzing.splitFieldsTwice(UnsafePointer(buffer.baseAddress!), buffer.count, delimiter: delimiter)
        }
    }

    @Test("The field splitter counts RFC 4180 fields and refuses broken quoting")
    func splitterResults() {
        #expect(Self.split(#"1,"2,3",4"#, .comma) == 3)
        #expect(Self.split(#""a""b";c"#, .semicolon) == 2)
        #expect(Self.split("a\tb\t\tc\r", .tab) == 4)
        #expect(Self.split("a;b,c", .comma) == 2)
        #expect(Self.split("", .comma) == 1)
        #expect(Self.split(#"1,"open"#, .comma) == nil)
        #expect(Self.split(#""closed"x,2"#, .comma) == nil)
    }

    @Test("Every csv-line corpus input passes every timestamp format and delimiter without breaking an invariant")
    func lineCorpus() throws {
        let folder = repositoryRoot.appendingPathComponent("Fuzz/Corpus/csv-line").path
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(names.count >= 100)
        var parsed = 0, quoted = 0
        for name in names {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)))
            if bytes.contains(UInt8(ascii: "\"")) { quoted += 1 }
            bytes.withUnsafeBufferPointer { buffer in
                let start = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
                for format in CSVTimestampFormat.allCases where CSVFuzzing.parseLineTwice(start, buffer.count, timestampFormat: format) != nil {
                    parsed += 1
                }
                for delimiter in CSVDelimiter.allCases { _ = CSVFuzzing.splitFieldsTwice(start, buffer.count, delimiter: delimiter) }
            }
        }
        #expect(parsed > 0)
        #expect(quoted > 0, "the corpus has no quoted line")
    }

    @Test("The dialect byte: a newline selects the default dialect, and every choice of every option is reachable")
    func dialectSelection() {
        #expect(CSVFuzzing.readOptions(selectedBy: UInt8(ascii: "\n")) == CSVReadOptions())
        let all = (0...255).map { CSVFuzzing.readOptions(selectedBy: UInt8($0)) }
        #expect(Set(all.map(\.delimiter)) == Set(CSVDelimiter.allCases))
        #expect(Set(all.map(\.timestampFormat)) == Set([nil] + CSVTimestampFormat.allCases.map { Optional($0) }))
        #expect(Set(all.map(\.onMissingValue)) == Set(CSVMissingValuePolicy.allCases))
        #expect(Set(all.map(\.onUnknownUnit)) == Set(CSVUnknownUnitPolicy.allCases))
        #expect(Set(all.map(\.unit)) == [nil, .celsius])
        #expect(Set(all).count == 216)
    }

    @Test("Every csv-source corpus file, read in the dialect its last byte selects, accounts for every line once")
    func sourceCorpus() async throws {
        let folder = repositoryRoot.appendingPathComponent("Fuzz/Corpus/csv-source").path
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names.count >= 100)
        var delivered = 0, completed = 0
        var dialects: Set<CSVReadOptions> = []
        for name in names {
            let path = folder + "/" + name
            let bytes = try #require(readFileBytes(path), "\(path) could not be read")
            let read = await CSVFuzzing.readSource(path: path, first: bytes.first, last: bytes.last)
            dialects.insert(read.options)
            if let failure = read.failure {
                #expect(!"\(failure)".isEmpty, "\(name): an error without a description")
                continue
            }
            completed += 1
            delivered += read.records
            #expect(read.linesAccountedFor == read.linesRead, "\(name): lines unaccounted for")
        }
        #expect(completed > 0 && delivered > 0)
        #expect(dialects.count >= 5, "the corpus exercises only \(dialects.count) dialects")
    }
}
