import DenseRecordsAudit
import DenseRecordsArena
import DenseRecordsTestSupport
import Synchronization
import Testing

/// Collects every event a sink receives; the sink runs on writer threads.
final class EventCollector: Sendable {
    let events = Mutex<[ChangeEvent]>([])
    func append(_ event: ChangeEvent) { events.withLock { $0.append(event) } }
    var all: [ChangeEvent] { events.withLock { $0 } }
}

#if DEBUG
let isDebugBuild = true
#else
let isDebugBuild = false
#endif

@Suite("ChangeLog")
struct ChangeLogTests {
    @Test("At capacity the oldest event is overwritten and every drop is counted")
    func overwriteAndDropCount() {
        let log = ChangeLog(capacity: 5)
        let stage = MonitoredPipelineStage(name: "parse", log: log)
        for value in 1...12 { stage.errorCount = value }
        let statistics = log.statistics
        #expect(statistics.recordedCount == 12)
        #expect(statistics.retainedCount == 5)
        #expect(statistics.droppedCount == 7)
        #expect(log.snapshot().map(\.sequence) == [7, 8, 9, 10, 11])
        #expect(log.snapshot().map(\.newValue) == (8...12).map { .integer(Int64($0)) })
        #expect(log.capacity == 5)
    }

    @Test("A sink sees every event, including the ones the ring overwrote")
    func sinkSeesEverything() {
        let log = ChangeLog(capacity: 3)
        let stage = MonitoredPipelineStage(name: "parse", log: log)
        stage.errorCount = 1
        let collector = EventCollector()
        let subscription = log.subscribe { collector.append($0) }
        #expect(subscription.firstSequence == 1)
        for value in 2...50 { stage.errorCount = value }
        log.cancel(subscription)
        stage.errorCount = 99
        let seen = collector.all
        #expect(seen.map(\.sequence) == Array(1...49))
        #expect(seen.map(\.newValue) == (2...50).map { .integer(Int64($0)) })
        #expect(log.statistics.droppedCount == 48)
    }

    @Test("An async stream sees every event in order, past the ring's capacity")
    func streamSeesEverything() async {
        let log = ChangeLog(capacity: 4)
        let stream = log.events()
        let stage = MonitoredPipelineStage(name: "parse", log: log)
        for value in 1...100 { stage.errorCount = value }
        var sequences: [UInt64] = []
        for await event in stream {
            sequences.append(event.sequence)
            if sequences.count == 100 { break }
        }
        #expect(sequences == Array(0..<100))
    }

    @Test("Cancelling a stream's subscription finishes the stream")
    func cancelFinishesStream() async {
        let log = ChangeLog(capacity: 4)
        let stage = MonitoredPipelineStage(name: "parse", log: log)
        let collector = EventCollector()
        let token = log.subscribe { collector.append($0) }
        let stream = log.events()
        stage.errorCount = 1
        log.cancel(token)
        stage.errorCount = 2
        var count = 0
        for await _ in stream {
            count += 1
            if count == 2 { break }
        }
        #expect(count == 2)
        #expect(collector.all.count == 1)
    }

    @Test("Concurrent writers lose nothing apart from counted drops")
    func concurrentWriters() async {
        let writers = 4
        let perWriter = 5_000
        let log = ChangeLog(capacity: 1_024)
        let collector = EventCollector()
        log.subscribe { collector.append($0) }
        await withTaskGroup(of: Int.self) { group in
            for writer in 0..<writers {
                group.addTask {
                    // Each writer owns its stage, as a stage is not Sendable; all share the log.
                    let stage = MonitoredPipelineStage(name: "writer-\(writer)", log: log)
                    for _ in 0..<perWriter { stage.errorCount += 1 }
                    return stage.errorCount
                }
            }
            for await finalCount in group { #expect(finalCount == perWriter) }
        }
        let total = UInt64(writers * perWriter)
        let statistics = log.statistics
        #expect(statistics.recordedCount == total)
        #expect(statistics.retainedCount == 1_024)
        #expect(statistics.droppedCount == total - 1_024)
        let seen = collector.all
        #expect(seen.map(\.sequence) == Array(0..<total))
        for writer in 0..<writers {
            let id = log.componentID(named: "writer-\(writer)")
            let mine = seen.filter { $0.component == id }
            // Per writer, the values step 0→1→…→perWriter with no gap and no repeat.
            #expect(mine.map(\.newValue) == (1...perWriter).map { .integer(Int64($0)) })
        }
        #expect(log.snapshot().map(\.sequence) == Array((total - 1_024)..<total))
    }

    @Test("Queries filter by component, attribute and time range")
    func queries() throws {
        let log = ChangeLog(capacity: 64)
        let parse = MonitoredPipelineStage(name: "parse", log: log)
        let enrich = MonitoredPipelineStage(name: "enrich", log: log)
        parse.errorCount = 1
        enrich.errorCount = 1
        let all = log.snapshot()
        let cutoff = all[1].monotonicNanoseconds
        parse.recordBatch(records: 3, latency: .milliseconds(1))
        let later = log.events(monotonicNanoseconds: (cutoff + 1)...UInt64.max)
        #expect(later.allSatisfy { $0.sequence >= 2 })
        let wall = try #require(log.lastEvent?.wallClockNanoseconds)
        #expect(log.events(component: "parse", wallClockNanoseconds: wall...wall).contains { $0.sequence == 3 })
        #expect(log.events(wallClockNanoseconds: 0...1).isEmpty)
        #expect(log.events(attribute: "errorCount").map(\.sequence) == [0, 1])
        #expect(log.events(component: "parse", attribute: "meanLatencyMs").count == 1)
        #expect(log.events(attribute: "noSuchAttribute").isEmpty)
    }

    /// Optimized builds only: at -Onone the compiler does not fold the wrapper's key-path
    /// access into a direct one, and the generic key-path projection boxes the storage.
    /// `+=` from this module is left out on purpose: it calls the property's `modify`
    /// coroutine, whose frame Swift heap-allocates (see `recordErrors`).
    @Test("Recording an event allocates nothing in steady state", .enabled(if: !isDebugBuild))
    func noAllocationsPerEvent() throws {
        let log = ChangeLog(capacity: 256)
        let stage = MonitoredPipelineStage(name: "parse", log: log)
        func work(_ steps: Range<Int>) {
            for step in steps {
                stage.recordErrors()
                stage.meanLatencyMs = Double(step)
                stage.recordBatch(records: 3, latency: .microseconds(step))
            }
        }
        work(0..<100)  // the first changes intern the names; one-time lazy setup happens here too
        let before = try Self.threadAllocatedBytes()
        work(100..<10_100)
        let after = try Self.threadAllocatedBytes()
        // 30,000 events: one allocation per event would be at least 16 B × 30,000. Less than a
        // byte per event leaves room only for one-off allocations (a few hundred bytes were
        // seen once per run), not for anything that scales with the event count.
        #expect(after - before < 30_000)
        #expect(log.statistics.recordedCount == 40_400)
    }

    /// With subscribers, an event takes the delivery lock and the ring's, and the delivery
    /// shares the ring's subscriber array rather than copying it.
    @Test("Recording an event with subscribers allocates nothing in steady state", .enabled(if: !isDebugBuild))
    func noAllocationsPerDeliveredEvent() throws {
        let log = ChangeLog(capacity: 256)
        let delivered = DeliveryCounter()
        log.subscribe { _ in delivered.increment() }
        log.subscribe { [unowned log] event in
            if event.sequence % 1_000 == 0 { delivered.observe(log.statistics.recordedCount) }
        }
        let stage = MonitoredPipelineStage(name: "parse", log: log)
        func work(_ steps: Range<Int>) {
            for step in steps {
                stage.recordErrors()
                stage.meanLatencyMs = Double(step)
            }
        }
        work(0..<100)
        let before = try Self.threadAllocatedBytes()
        work(100..<15_100)
        let after = try Self.threadAllocatedBytes()
        // 30,000 delivered events, as in the test above.
        #expect(after - before < 30_000)
        #expect(delivered.count == 30_200)
    }

    /// jemalloc's running total of bytes this thread has allocated. Under a sanitizer,
    /// the sanitizer's allocator serves malloc and the figure stays flat.
    static func threadAllocatedBytes() throws -> UInt64 {
        try #require(AllocatorStatistics.threadAllocatedBytes())
    }
}

/// Counts deliveries without allocating; the sink runs on writer threads.
final class DeliveryCounter: Sendable {
    let delivered = Atomic<Int>(0)
    let lastObserved = Atomic<UInt64>(0)
    func increment() { delivered.add(1, ordering: .relaxed) }
    func observe(_ value: UInt64) { lastObserved.store(value, ordering: .relaxed) }
    var count: Int { delivered.load(ordering: .relaxed) }
}
