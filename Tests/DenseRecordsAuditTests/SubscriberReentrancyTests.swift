import DenseRecordsAudit
import DenseRecordsArena
import DenseRecordsTestSupport
import Foundation
import Synchronization
import Testing

// What a subscriber may do from inside its own call: read the log, cancel
// itself or others, subscribe. Each case runs in a child process (an exit test),
// so that a subscriber that traps fails its expectation instead of killing the suite.

/// A value shared between a test and the subscribers and threads it starts; `Mutex` alone cannot be captured.
private final class Shared<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>
    init(_ value: Value) { storage = Mutex(value) }
    var value: Value { storage.withLock { $0 } }
    func update<Result: Sendable>(_ body: (inout Value) -> Result) -> Result { storage.withLock { body(&$0) } }
}

@Suite("ChangeLog subscribers calling back into the log")
struct SubscriberReentrancyTests {
    @Test("A subscriber may read the log's statistics, snapshot and names, subscribe, and cancel itself")
    func subscriberReadsAndCancelsItself() async throws {
        let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
            let log = ChangeLog(capacity: 4)
            let stage = MonitoredPipelineStage(name: "parse", log: log)
            let own = Shared<ChangeLog.Subscription?>(nil)
            let late = Shared<(subscription: ChangeLog.Subscription?, seen: [UInt64])>((nil, []))
            let problems = Shared<[String]>([])
            let seen = Shared<[UInt64]>([])
            let subscription = log.subscribe { [unowned log] event in
                seen.update { $0.append(event.sequence) }
                func check(_ condition: Bool, _ what: String) {
                    if !condition { problems.update { $0.append("event \(event.sequence): \(what)") } }
                }
                // The event is in the ring, and no later event exists yet.
                let statistics = log.statistics
                check(statistics.recordedCount == event.sequence + 1, "statistics \(statistics)")
                check(log.snapshot().last == event, "snapshot ends elsewhere")
                check(log.lastEvent == event, "lastEvent differs")
                check(log.events(component: "parse").last == event, "query ends elsewhere")
                check(log.jsonLines().hasSuffix("\n"), "no JSON Lines")
                check(log.componentName(event.component) == "parse", "component name")
                check(log.attributeName(event.attribute) == "errorCount", "attribute name")
                check(log.capacity == 4, "capacity")
                if event.sequence == 1 {
                    let added = log.subscribe { event in late.update { $0.seen.append(event.sequence) } }
                    check(added.firstSequence == 2, "a subscriber added during event 1 starts at \(added.firstSequence)")
                    late.update { $0.subscription = added }
                }
                if event.sequence == 3, let mine = own.value {
                    log.cancel(mine)
                    log.cancel(mine)  // a second cancel is ignored
                }
            }
            own.update { $0 = subscription }
            for value in 1...6 { stage.errorCount = value }
            if let added = late.value.subscription { log.cancel(added) }
            stage.errorCount = 7
            let report = """
                first subscriber saw \(seen.value), late subscriber saw \(late.value.seen); \
                problems: \(problems.value)
                """
            reportAndExit(
                seen.value == [0, 1, 2, 3] && late.value.seen == [2, 3, 4, 5]
                    && problems.value.isEmpty && log.statistics.recordedCount == 7,
                report)
        }
        let (passed, report) = measuredVerdict(result.standardErrorContent)
        #expect(passed, "\(report)")
    }

    @Test("Under contention, subscribers that read the log still see every event once, in sequence order")
    func readingSubscribersUnderContention() async throws {
        let result = try await #require(processExitsWith: .success, observing: [\.standardErrorContent]) {
            let writers = 4
            let perWriter = 5_000
            let total = UInt64(writers * perWriter)
            let log = ChangeLog(capacity: 256)
            let full = EventCollector()
            let reads = Shared<Int>(0)
            let inconsistent = Shared<Int>(0)
            log.subscribe { [unowned log] event in
                full.append(event)
                // No later event is recorded until every subscriber has had this one.
                if log.statistics.recordedCount != event.sequence + 1 { inconsistent.update { $0 += 1 } }
                if event.sequence % 97 == 0, log.snapshot().last != event { inconsistent.update { $0 += 1 } }
                reads.update { $0 += 1 }
            }
            // A second subscriber cancels itself from inside its call, mid-run.
            let partial = EventCollector()
            let own = Shared<ChangeLog.Subscription?>(nil)
            let cancelAt = total / 3
            let partialSubscription = log.subscribe { [unowned log] event in
                partial.append(event)
                if event.sequence >= cancelAt, let mine = own.value { log.cancel(mine) }
            }
            own.update { $0 = partialSubscription }
            let finished = Shared<Int>(0)
            for writer in 0..<writers {
                Thread {
                    let stage = MonitoredPipelineStage(name: "writer-\(writer)", log: log)
                    for _ in 0..<perWriter { stage.errorCount += 1 }
                    finished.update { $0 += 1 }
                }.start()
            }
            while finished.value < writers { usleep(1_000) }
            let fullSequences = full.all.map(\.sequence)
            let partialSequences = partial.all.map(\.sequence)
            let report = """
                full subscriber: \(fullSequences.count) events, in order and gap-free: \
                \(fullSequences == Array(0..<total)); self-cancelling subscriber: \(partialSequences.count) \
                events ending at \(partialSequences.last ?? 0), in order: \
                \(partialSequences == Array(0..<UInt64(partialSequences.count))); reads: \
                \(reads.value); inconsistent reads: \(inconsistent.value)
                """
            reportAndExit(
                fullSequences == Array(0..<total) && partialSequences == Array(0...cancelAt)
                    && inconsistent.value == 0,
                report)
        }
        let (passed, report) = measuredVerdict(result.standardErrorContent)
        #expect(passed, "\(report)")
    }

    @Test("A subscriber that records into its own log traps with a message naming the rule")
    func subscriberRecordingTraps() async throws {
        let result = try await #require(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let log = ChangeLog(capacity: 4)
            let stage = MonitoredPipelineStage(name: "parse", log: log)
            let component = log.registerComponent(named: "echo")
            let attribute = log.registerAttribute(named: "echoed")
            log.subscribe { [unowned log] event in
                log.record(component: component, attribute: attribute, from: event.oldValue, to: event.newValue)
            }
            stage.errorCount = 1
        }
        let message = String(decoding: result.standardErrorContent, as: UTF8.self)
        #expect(message.contains("must not record into the log"), "\(message)")
    }

    @Test("Cancelling from another thread waits for a delivery in progress")
    func cancelWaitsForDelivery() async {
        let log = ChangeLog(capacity: 4)
        let inside = Shared<Bool>(false)
        let calls = Shared<Int>(0)
        let subscription = log.subscribe { _ in
            inside.update { $0 = true }
            calls.update { $0 += 1 }
            usleep(20_000)
            inside.update { $0 = false }
        }
        let writer = Thread {
            let stage = MonitoredPipelineStage(name: "parse", log: log)
            stage.errorCount = 1
        }
        writer.start()
        while !inside.value { usleep(100) }
        log.cancel(subscription)
        #expect(!inside.value)
        let stage = MonitoredPipelineStage(name: "after", log: log)
        stage.errorCount = 2
        #expect(calls.value == 1)
    }
}
