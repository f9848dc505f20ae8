import DenseRecordsAudit
import DenseRecordsArena
import DenseRecordsTestSupport
import Testing

/// A component declared the way library users declare theirs.
final class Thermostat: AuditedComponent {
    let auditContext: AuditContext
    @Audited(.within(-40...85)) var setpoint = 20
    @Audited(metric: .counter, .nonNegative) var adjustments = 0
    @Audited(metric: .timer(.milliseconds), .nonNegative, .finite) var lastResponseMs = 0.0

    init(name: String = "thermostat", log: ChangeLog) {
        auditContext = AuditContext(log: log, componentName: name)
    }

    func nudge(by delta: Int) {
        setpoint += delta
        adjustments += 1
    }
}

@Suite("Audited attributes")
struct AuditedAttributeTests {
    @Test("Every mutation path is recorded in order with its old and new value")
    func everyMutationPath() throws {
        let log = ChangeLog(capacity: 64)
        let thermostat = Thermostat(log: log)
        thermostat.setpoint = 22            // plain assignment from outside
        thermostat.setpoint += 3            // compound assignment from outside
        thermostat.nudge(by: -5)            // compound assignments inside a method
        thermostat.setpoint -= 1

        let events = log.snapshot()
        let observed = events.map { (log.attributeName($0.attribute) ?? "?", $0.oldValue, $0.newValue) }
        let expected: [(String, AuditValue, AuditValue)] = [
            ("setpoint", .integer(20), .integer(22)),
            ("setpoint", .integer(22), .integer(25)),
            ("setpoint", .integer(25), .integer(20)),
            ("adjustments", .integer(0), .integer(1)),
            ("setpoint", .integer(20), .integer(19)),
        ]
        try #require(observed.count == expected.count)
        for (got, want) in zip(observed, expected) {
            #expect(got.0 == want.0)
            #expect(got.1 == want.1)
            #expect(got.2 == want.2)
        }
        #expect(events.map(\.sequence) == [0, 1, 2, 3, 4])
        #expect(events.allSatisfy { log.componentName($0.component) == "thermostat" && $0.outcome == .accepted })
        #expect(thermostat.setpoint == 19)
        #expect(thermostat.adjustments == 1)
    }

    @Test("Timestamps are stamped in order on both clocks")
    func timestamps() {
        let log = ChangeLog(capacity: 16)
        let thermostat = Thermostat(log: log)
        for step in 1...10 { thermostat.setpoint = step }
        let events = log.snapshot()
        #expect(events.count == 10)
        for (earlier, later) in zip(events, events.dropFirst()) {
            #expect(earlier.monotonicNanoseconds <= later.monotonicNanoseconds)
            #expect(earlier.wallClockNanoseconds <= later.wallClockNanoseconds)
        }
        // After 2020-01-01 in nanoseconds since the epoch: a real wall clock, not a monotonic one.
        #expect(events[0].wallClockNanoseconds > 1_577_836_800_000_000_000)
    }

    @Test("Events are attributed to the right stage when stages share one log")
    func attributionAcrossStages() throws {
        let log = ChangeLog(capacity: 64)
        let parse = MonitoredPipelineStage(name: "parse", log: log)
        let enrich = MonitoredPipelineStage(name: "enrich", log: log)
        parse.errorCount += 1
        enrich.recordBatch(records: 10, latency: .milliseconds(4))
        parse.recordBatch(records: 7, latency: .milliseconds(2))
        enrich.errorCount = 5

        let parseEvents = log.events(component: "parse")
        let enrichEvents = log.events(component: "enrich")
        #expect(parseEvents.count == 3)
        #expect(enrichEvents.count == 3)
        let parseErrors = log.events(component: "parse", attribute: "errorCount")
        try #require(parseErrors.count == 1)
        #expect(parseErrors[0].newValue == .integer(1))
        let enrichErrors = log.events(component: "enrich", attribute: "errorCount")
        try #require(enrichErrors.count == 1)
        #expect(enrichErrors[0].oldValue == .integer(0))
        #expect(enrichErrors[0].newValue == .integer(5))
        #expect(log.events(component: "enrich", attribute: "recordsProcessed").map(\.newValue) == [.integer(10)])
        #expect(log.events(component: "parse", attribute: "recordsProcessed").map(\.newValue) == [.integer(7)])
        #expect(log.events(component: "nonexistent").isEmpty)
        #expect(parse.name == "parse")
    }

    @Test("A rejected assignment keeps the old value and is recorded with its reason")
    func rejectedAssignments() throws {
        let log = ChangeLog(capacity: 64)
        let stage = MonitoredPipelineStage(name: "parse", log: log)
        stage.errorCount = 2
        stage.errorCount = -1
        stage.meanLatencyMs = .nan
        stage.meanLatencyMs = -.infinity
        stage.errorCount -= 5

        #expect(stage.errorCount == 2)
        #expect(stage.meanLatencyMs == 0)
        let rejected = log.events(matching: .init(rejected: true))
        try #require(rejected.count == 4)
        #expect(rejected[0].outcome == .rejected(.belowMinimum(.integer(0))))
        #expect(rejected[0].oldValue == .integer(2))
        #expect(rejected[0].newValue == .integer(-1))
        #expect(rejected[1].outcome == .rejected(.notFinite))
        #expect(rejected[1].newValue.doubleValue.isNaN)
        #expect(rejected[2].outcome == .rejected(.notFinite))
        #expect(rejected[3].newValue == .integer(-3))
        #expect(log.statistics.rejectedCount == 4)
        #expect(stage.$errorCount.rejectedCount == 2)
        #expect(stage.$meanLatencyMs.rejectedCount == 2)
    }

    @Test("Range rules name the broken bound")
    func rangeRules() {
        let log = ChangeLog(capacity: 8)
        let thermostat = Thermostat(log: log)
        thermostat.setpoint = 90
        thermostat.setpoint = -41
        #expect(thermostat.setpoint == 20)
        #expect(log.snapshot().map(\.outcome) == [
            .rejected(.aboveMaximum(.integer(85))), .rejected(.belowMinimum(.integer(-40))),
        ])
    }

    @Test("The checked assignment throws, and still records the rejection")
    func checkedAssignment() throws {
        let log = ChangeLog(capacity: 8)
        let stage = MonitoredPipelineStage(name: "parse", log: log)
        let sequence = try stage.$errorCount.set(4)
        #expect(stage.errorCount == 4)
        #expect(log.lastEvent?.sequence == sequence)

        let error = #expect(throws: AuditRejection.self) { try stage.$errorCount.set(-2) }
        #expect(error?.component == "parse")
        #expect(error?.attribute == "errorCount")
        #expect(error?.attemptedValue == .integer(-2))
        #expect(error?.currentValue == .integer(4))
        #expect(error?.reason == .belowMinimum(.integer(0)))
        #expect(error?.sequence == 1)
        #expect(stage.errorCount == 4)
        #expect(log.lastEvent?.outcome.isRejected == true)
    }

    @Test("meanLatencyMs is the running mean per batch")
    func runningMean() {
        let log = ChangeLog(capacity: 64)
        let stage = MonitoredPipelineStage(name: "parse", log: log)
        let latencies: [Duration] = [.milliseconds(10), .milliseconds(20), .microseconds(4_500), .seconds(1)]
        for (index, latency) in latencies.enumerated() {
            stage.recordBatch(records: 100 * (index + 1), latency: latency)
        }
        let expected = (10.0 + 20.0 + 4.5 + 1_000.0) / 4
        #expect(abs(stage.meanLatencyMs - expected) < 1e-9)
        #expect(stage.recordsProcessed == 1_000)
        #expect(stage.batchesProcessed == 4)
        // Each batch records exactly two events: the record count and the new mean.
        #expect(log.statistics.recordedCount == 8)
        #expect(log.events(attribute: "meanLatencyMs").last?.newValue == .floatingPoint(stage.meanLatencyMs))
    }
}
