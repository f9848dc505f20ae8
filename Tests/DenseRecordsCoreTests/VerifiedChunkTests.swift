import CDenseRecords
import DenseRecordsCore
import DenseRecordsTestSupport
import Testing

/// Chunks of records, some of which fail their integrity check.
private struct DamagedChunks: ChunkedRecords {
    struct Damage: Error, CustomStringConvertible {
        let chunk: Int
        var description: String { "chunk \(chunk) is damaged" }
    }

    let chunks: [[sensor_record_t]]
    let damaged: Set<Int>

    var startIndex: Int { 0 }
    var endIndex: Int { chunks.reduce(0) { $0 + $1.count } }
    subscript(position: Int) -> SensorRecord { SensorRecord(chunks.joined().map { $0 }[position]) }
    var chunkCount: Int { chunks.count }

    func forEachSpan<E: Error>(_ body: (Span<sensor_record_t>) throws(E) -> Void) throws(E) {
        for chunk in chunks {
            try chunk.withUnsafeBufferPointer { (buffer) throws(E) in try body(Span(_unsafeElements: buffer)) }
        }
    }

    func verifyChunk(_ chunk: Int) throws {
        if damaged.contains(chunk) { throw Damage(chunk: chunk) }
    }
}

private enum WriteError: Error, Equatable {
    case damagedInput(chunk: Int, reason: String)
}

@Suite("forEachVerifiedChunk")
struct VerifiedChunkTests {
    /// Three chunks of 2, 3 and 1 records.
    let chunks: [[sensor_record_t]] = [[record(0).raw, record(1).raw], [record(2).raw, record(3).raw, record(4).raw], [record(5).raw]]

    @Test("Every chunk is passed on, in order, when none is damaged")
    func undamaged() throws {
        var seen: [Int] = []
        try DamagedChunks(chunks: chunks, damaged: []).forEachVerifiedChunk(damaged: { WriteError.damagedInput(chunk: $0, reason: "\($1)") }) {
            (chunk) throws(WriteError) in seen.append(contentsOf: chunk.map { Int($0.sensor_id) })
        }
        #expect(seen == chunks.joined().map { Int($0.sensor_id) })
    }

    @Test("The first damaged chunk stops the walk before any of its records are passed on, and is named")
    func damagedChunkStops() {
        for damagedChunk in 0..<chunks.count {
            var passed = 0
            #expect(throws: WriteError.damagedInput(chunk: damagedChunk, reason: "chunk \(damagedChunk) is damaged")) {
                try DamagedChunks(chunks: chunks, damaged: [damagedChunk, 2]).forEachVerifiedChunk(
                    damaged: { WriteError.damagedInput(chunk: $0, reason: "\($1)") }
                ) { (chunk) throws(WriteError) in passed += 1 }
            }
            #expect(passed == damagedChunk)
        }
    }
}
