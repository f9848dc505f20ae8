import DenseRecordsAudit
import DenseRecordsArena
import DenseRecordsTestSupport
import InMemoryLogging
import Logging
import MetricsTestKit
import Testing

@Suite("swift-metrics and swift-log bridges")
struct BridgeTests {
    @Test("Audited attributes report as counters, gauges and timers under snake_case names in base units")
    func metricsBridge() throws {
        let metrics = TestMetrics()
        let log = ChangeLog(capacity: 16)
        try log.reportMetrics(to: metrics)
        let parse = MonitoredPipelineStage(name: "parse", log: log)
        let enrich = MonitoredPipelineStage(name: "enrich", log: log)
        parse.recordBatch(records: 40, latency: .milliseconds(10))
        parse.recordBatch(records: 2, latency: .milliseconds(30))
        enrich.errorCount += 3
        enrich.errorCount = 0          // a reset: counters do not go down
        enrich.errorCount = 1
        parse.errorCount = -1          // rejected

        let records = try metrics.expectCounter(
            "dense_records_records_processed_total", [("component", "parse"), ("attribute", "recordsProcessed")])
        #expect(records.totalValue == 42)
        let latency = try metrics.expectGauge(
            "dense_records_mean_latency_seconds", [("component", "parse"), ("attribute", "meanLatencyMs")])
        // The declared value first (the stage declares itself), then each mean, in seconds.
        #expect(latency.values == [0, 0.010, 0.020])
        let errors = try metrics.expectCounter(
            "dense_records_error_count_total", [("component", "enrich"), ("attribute", "errorCount")])
        #expect(errors.totalValue == 4)
        let rejections = try metrics.expectCounter(
            "dense_records_audit_rejections_total",
            [("component", "parse"), ("attribute", "errorCount"), ("reason", "below_minimum")])
        #expect(rejections.totalValue == 1)

        let thermostat = Thermostat(log: log)
        thermostat.lastResponseMs = 2.5
        let timer = try metrics.expectTimer(
            "dense_records_last_response_seconds", [("component", "thermostat"), ("attribute", "lastResponseMs")])
        #expect(timer.values == [2_500_000])
    }

    @Test("A cancelled metrics subscription stops reporting")
    func metricsCancel() throws {
        let metrics = TestMetrics()
        let log = ChangeLog(capacity: 16)
        let subscription = try log.reportMetrics(to: metrics, labelPrefix: "stage_")
        let stage = MonitoredPipelineStage(name: "parse", log: log)
        stage.errorCount = 2
        log.cancel(subscription)
        stage.errorCount = 5
        let errors = try metrics.expectCounter("stage_error_count_total", [("component", "parse"), ("attribute", "errorCount")])
        #expect(errors.totalValue == 2)
    }

    @Test("Audit events become structured log entries at the configured levels")
    func loggingBridge() throws {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "audit") { _ in handler }
        logger.logLevel = .trace
        let log = ChangeLog(capacity: 16)
        log.reportLogs(to: logger, level: .debug, rejectedLevel: .error)
        let stage = MonitoredPipelineStage(name: "parse", log: log)
        stage.errorCount += 1
        stage.meanLatencyMs = -1

        let entries = handler.entries
        try #require(entries.count == 2)
        #expect(entries[0].level == .debug)
        #expect(entries[0].message == "audited attribute changed")
        #expect(entries[0].metadata["component"] == "parse")
        #expect(entries[0].metadata["attribute"] == "errorCount")
        #expect(entries[0].metadata["old"]?.description == "0")
        #expect(entries[0].metadata["new"]?.description == "1")
        #expect(entries[0].metadata["sequence"]?.description == "0")
        #expect(entries[0].metadata["outcome"] == "accepted")
        #expect(entries[0].metadata["metric"] == "counter")
        #expect(entries[0].metadata["wall_clock_ns"] != nil)
        #expect(entries[0].metadata["monotonic_ns"] != nil)
        #expect(entries[1].level == .error)
        #expect(entries[1].message == "audited assignment rejected")
        #expect(entries[1].metadata["attribute"] == "meanLatencyMs")
        #expect(entries[1].metadata["new"]?.description == "-1.0")
        #expect(entries[1].metadata["reason"] == "below_minimum")
    }

    @Test("Entries below the logger's level are not written")
    func loggingRespectsLevel() {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "audit") { _ in handler }
        logger.logLevel = .info
        let log = ChangeLog(capacity: 16)
        log.reportLogs(to: logger, level: .debug)
        let stage = MonitoredPipelineStage(name: "parse", log: log)
        stage.errorCount += 1
        stage.errorCount = -1
        #expect(handler.entries.map(\.level) == [.warning])
    }
}
