public import DenseRecordsCore
import InternalDenseRecordsUtilities
import CDenseRecords

/// One sensor's records in a sorted ``SealedRecords``: a run of positions.
public struct SensorRun: Sendable, Hashable {
    /// The sensor id every record of the run carries.
    public let sensorID: UInt32
    /// The positions of the run's records, ordered by timestamp.
    public let positions: Range<Int>

    /// Creates a run.
    ///
    /// - Parameters:
    ///   - sensorID: The run's sensor.
    ///   - positions: Its records' positions.
    public init(sensorID: UInt32, positions: Range<Int>) {
        self.sensorID = sensorID
        self.positions = positions
    }
}

extension RecordArena {
    /// Moves the records, sorted, into an immutable ``SealedRecords`` with a per-sensor index.
    ///
    /// With ``RecordOrdering/sensorThenTime`` the result holds every record
    /// ordered by sensor id, then timestamp; records with equal keys keep
    /// their order of appending (the sort is stable). Its ``SealedRecords/sensorRuns``
    /// index locates a sensor's run by binary search, so
    /// ``SealedRecords/positions(ofSensor:timestamps:)`` answers one sensor's
    /// time range in O(log *n*) and reading it in O(*k*).
    /// ``RecordOrdering/unordered`` is ``seal()``.
    ///
    /// The sort is out of place and bounded: the output's chunks are
    /// allocated first, in this arena's jemalloc arena, and the records are
    /// placed by a stable counting scatter on sensor id (one counter per
    /// distinct sensor), then each sensor's run is ordered by timestamp in
    /// place in the output. A run that is already time-ordered (the common
    /// case for telemetry) is only checked; any other is merge-sorted in
    /// place with rotations (Go's `sort.Stable` scheme: no scratch memory,
    /// O(*r* log² *r*) moves). So beyond the output only the per-sensor
    /// counters and the index are allocated (well under one chunk for up to
    /// about 60,000 sensors), and the input chunks are never written: views
    /// taken before keep reading them. Once the output is complete the input
    /// chunks are let go, as ``seal()`` does. Peak memory is therefore the
    /// input plus the output.
    ///
    /// - Parameter ordering: The order to sort into.
    /// - Returns: The sorted, indexed records; this arena is empty afterwards.
    /// - Throws: ``RecordArenaError`` when the output's chunks are refused (the
    ///   byte limit applies to the output as to the arena); the arena is
    ///   unchanged then.
    /// - Complexity: O(*n* + *s* log *s*) for *n* records of *s* sensors whose
    ///   runs are time-ordered; more for runs that are not, as above.
    public func seal(sortedBy ordering: RecordOrdering) throws(RecordArenaError) -> SealedRecords {
        guard ordering == .sensorThenTime else { return seal() }
        storage.pointee.refreshZoneMaps()
        let total = storage.pointee.count
        var output = ChunkStorage(
            byteLimit: storage.pointee.byteLimit, hugePages: storage.pointee.hugePages,
            lease: storage.pointee.lease, cancellation: nil)
        try output.reserve(total)
        output.count = total
        output.closeWriteWindow()
        let runs = Self.scatterBySensor(from: storage.pointee, into: output)
        let slots = RecordSlots(chunks: output.chunks, count: total)
        for run in runs { slots.sortByTimestamp(run.positions) }
        _ = seal()  // drops the input chunks (views keep theirs) and publishes the empty arena
        return SealedRecords(storage: output, ordering: .sensorThenTime, sensorRuns: runs)
    }

    /// Copies every record of `input` into `output` (already `input.count`
    /// records long), grouped by ascending sensor id, each group in input order.
    private static func scatterBySensor(from input: borrowing ChunkStorage, into output: borrowing ChunkStorage) -> [SensorRun] {
        var counts: [UInt32: Int] = [:]
        for chunk in 0..<input.filledChunkCount {
            for record in input.buffer(ofChunk: chunk) { counts[record.sensor_id, default: 0] += 1 }
        }
        var runs: [SensorRun] = []
        runs.reserveCapacity(counts.count)
        var next: [UInt32: Int] = [:]
        next.reserveCapacity(counts.count)
        var start = 0
        for sensor in counts.keys.sorted() {
            let count = counts[sensor].unsafelyUnwrapped
            runs.append(SensorRun(sensorID: sensor, positions: start..<(start + count)))
            next[sensor] = start
            start += count
        }
        let slots = RecordSlots(chunks: output.chunks, count: input.count)
        for chunk in 0..<input.filledChunkCount {
            for record in input.buffer(ofChunk: chunk) {
                let position = next[record.sensor_id].unsafelyUnwrapped
                slots[position].initialize(to: record)
                next[record.sensor_id] = position + 1
            }
        }
        return runs
    }
}

/// Positions in a chunk table, for the in-place run sort.
private struct RecordSlots {
    let chunks: UnsafeMutablePointer<UnsafeMutablePointer<sensor_record_t>>?
    let count: Int

    subscript(position: Int) -> UnsafeMutablePointer<sensor_record_t> {
        let (chunk, offset) = position.quotientAndRemainder(dividingBy: ChunkGeometry.recordsPerChunk)
        return chunks.unsafelyUnwrapped[chunk] + offset
    }

    func less(_ i: Int, _ j: Int) -> Bool { self[i].pointee.timestamp_ns < self[j].pointee.timestamp_ns }

    func swapAt(_ i: Int, _ j: Int) {
        let (a, b) = (self[i], self[j])
        let saved = a.pointee
        a.pointee = b.pointee
        b.pointee = saved
    }

    /// Sorts `range` by timestamp, stably.
    func sortByTimestamp(_ range: Range<Int>) {
        guard range.count > 1 else { return }
        var sorted = true
        for position in (range.lowerBound + 1)..<range.upperBound where less(position, position - 1) {
            sorted = false
            break
        }
        if sorted { return }
        stableSort(range)
    }

    /// Insertion sort on blocks, then in-place merges by rotation (SymMerge:
    /// Kim and Kutzner, "Stable Minimum Storage Merging by Symmetric
    /// Comparisons", 2004), as Go's `sort.Stable` does.
    private func stableSort(_ range: Range<Int>) {
        let (low, high) = (range.lowerBound, range.upperBound)
        var blockSize = 20
        var a = low
        while a + blockSize <= high {
            insertionSort(a, a + blockSize)
            a += blockSize
        }
        insertionSort(a, high)
        while blockSize < range.count {
            a = low
            while a + 2 * blockSize <= high {
                symMerge(a, a + blockSize, a + 2 * blockSize)
                a += 2 * blockSize
            }
            if a + blockSize < high { symMerge(a, a + blockSize, high) }
            blockSize *= 2
        }
    }

    private func insertionSort(_ a: Int, _ b: Int) {
        guard b - a > 1 else { return }
        for i in (a + 1)..<b {
            var j = i
            while j > a, less(j, j - 1) {
                swapAt(j, j - 1)
                j -= 1
            }
        }
    }

    /// Merges the sorted ranges `a..<m` and `m..<b` in place, stably.
    private func symMerge(_ a: Int, _ m: Int, _ b: Int) {
        if m - a == 1 {
            var (i, j) = (m, b)
            while i < j {
                let h = (i + j) / 2
                if less(h, a) { i = h + 1 } else { j = h }
            }
            var k = a
            while k < i - 1 { swapAt(k, k + 1); k += 1 }
            return
        }
        if b - m == 1 {
            var (i, j) = (a, m)
            while i < j {
                let h = (i + j) / 2
                if !less(m, h) { i = h + 1 } else { j = h }
            }
            var k = m
            while k > i { swapAt(k, k - 1); k -= 1 }
            return
        }
        let mid = (a + b) / 2
        let n = mid + m
        var (start, r) = m > mid ? (n - b, mid) : (a, m)
        let p = n - 1
        while start < r {
            let c = (start + r) / 2
            if !less(p - c, c) { start = c + 1 } else { r = c }
        }
        let end = n - start
        if start < m, m < end { rotate(start, m, end) }
        if a < start, start < mid { symMerge(a, start, mid) }
        if mid < end, end < b { symMerge(mid, end, b) }
    }

    private func swapRange(_ a: Int, _ b: Int, _ n: Int) {
        for i in 0..<n { swapAt(a + i, b + i) }
    }

    /// Rotates `a..<b` so that `m..<b` comes before `a..<m`.
    private func rotate(_ a: Int, _ m: Int, _ b: Int) {
        var (i, j) = (m - a, b - m)
        while i != j {
            if i > j {
                swapRange(m - i, m, j)
                i -= j
            } else {
                swapRange(m - i, m + j - i, i)
                j -= i
            }
        }
        swapRange(m - i, m, i)
    }
}

extension SealedRecords {
    /// The positions of sensor `sensorID`'s records, or `nil` when it has none.
    ///
    /// - Parameter sensorID: The sensor to look up.
    /// - Returns: Its run, ordered by timestamp.
    /// - Precondition: ``recordOrdering`` is ``RecordOrdering/sensorThenTime``
    ///   (the records came from ``RecordArena/seal(sortedBy:)``); otherwise it traps.
    /// - Complexity: O(log *s*) in the number of sensors.
    public func positions(ofSensor sensorID: UInt32) -> Range<Int>? {
        require(recordOrdering == .sensorThenTime, "SealedRecords.positions(ofSensor:) needs records from seal(sortedBy: .sensorThenTime)")
        var (low, high) = (0, sensorRuns.count)
        while low < high {
            let middle = (low + high) / 2
            if sensorRuns[middle].sensorID < sensorID { low = middle + 1 } else { high = middle }
        }
        guard low < sensorRuns.count, sensorRuns[low].sensorID == sensorID else { return nil }
        return sensorRuns[low].positions
    }

    /// The positions of sensor `sensorID`'s records whose timestamps lie in `timestamps`.
    ///
    /// ```swift
    /// let sorted = try arena.seal(sortedBy: .sensorThenTime)
    /// let march = sorted.positions(ofSensor: 7, timestamps: marchStart..<aprilStart)
    /// let total = march.reduce(0.0) { $0 + sorted[$1].value }
    /// ```
    ///
    /// - Parameters:
    ///   - sensorID: The sensor to look up.
    ///   - timestamps: A half-open range of Unix nanoseconds.
    /// - Returns: The positions, ordered by timestamp; empty when none match.
    /// - Precondition: ``recordOrdering`` is ``RecordOrdering/sensorThenTime``; otherwise it traps.
    /// - Complexity: O(log *n*): two binary searches in the sensor's run after one among the sensors.
    public func positions(ofSensor sensorID: UInt32, timestamps: Range<Int64>) -> Range<Int> {
        guard let run = positions(ofSensor: sensorID) else { return 0..<0 }
        func firstPosition(atLeast timestamp: Int64) -> Int {
            var (low, high) = (run.lowerBound, run.upperBound)
            while low < high {
                let middle = (low + high) / 2
                if storage.pointer(at: middle).pointee.timestamp_ns < timestamp { low = middle + 1 } else { high = middle }
            }
            return low
        }
        let start = firstPosition(atLeast: timestamps.lowerBound)
        return start..<Swift.max(start, firstPosition(atLeast: timestamps.upperBound))
    }
}
