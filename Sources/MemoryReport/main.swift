import DenseRecords

// Placeholder entry point; the memory comparison report replaces it.
let arena = RecordArena()
for i in 0..<1_000_000 {
    try arena.append(SensorRecord(sensorID: UInt32(i % 100), timestampNanoseconds: Int64(i), value: Double(i), unit: .celsius))
}
print(arena.statistics)
