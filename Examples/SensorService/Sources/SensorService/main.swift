import DenseRecordsArena

// Ingest a simulated feed, share it read-only with concurrent workers,
// and report what the records cost in memory.

let sensors: UInt32 = 500
let readings = 2_000_000
let start: Int64 = 1_700_000_000_000_000_000

let arena = RecordArena(byteLimit: 64 << 20)
do {
    try arena.reserveCapacity(readings)
    for i in 0..<readings {
        let sensor = UInt32(i) % sensors
        try arena.append(SensorRecord(
            sensorID: sensor,
            timestampNanoseconds: start + Int64(i / Int(sensors)) * 1_000_000_000,
            value: 20 + Double(sensor % 10) + Double(i % 1000) / 1000,
            unit: .celsius))
    }
} catch {
    print("ingest stopped after \(arena.count) readings: \(error)")
}

let stats = arena.statistics
let records = arena.seal()  // Sendable, no copy

// Each worker scans its share of the chunks.
let workers = 4
let partial = await withTaskGroup(of: (sum: Double, count: Int).self) { group in
    for worker in 0..<workers {
        group.addTask {
            var sum = 0.0, count = 0, chunkIndex = 0
            records.forEachChunk { chunk in
                defer { chunkIndex += 1 }
                guard chunkIndex % workers == worker else { return }
                for reading in chunk { sum += reading.value }
                count += chunk.count
            }
            return (sum, count)
        }
    }
    var total = (sum: 0.0, count: 0)
    for await part in group {
        total.sum += part.sum
        total.count += part.count
    }
    return total
}

precondition(partial.count == records.count, "workers saw \(partial.count) of \(records.count) readings")
print("readings: \(records.count) from \(sensors) sensors in \(stats.chunkCount) chunks")
print("mean value: \(partial.sum / Double(partial.count))")
print("first: \(records[0])")
print("allocator: \(stats)")
