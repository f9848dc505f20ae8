import DenseRecordsAudit
import DenseRecordsTestSupport
import MetricsTestKit
import Testing

/// A component whose gauge and timer would share the name `mean_latency_seconds`.
final class TimedStage: AuditedComponent {
    let auditContext: AuditContext
    @Audited(metric: .timer(.milliseconds), .nonNegative) var meanLatencyMs = 0.0
    init(name: String, log: ChangeLog) { auditContext = AuditContext(log: log, componentName: name) }
}

/// Counters in several units, to check names and conversions.
final class Transfer: AuditedComponent {
    let auditContext: AuditContext
    @Audited(metric: .counter, .nonNegative) var bytesWrittenKiB = 0
    @Audited(metric: .counter, .nonNegative) var busyMs = 0
    @Audited(metric: .gauge) var queueDepth = 0
    init(log: ChangeLog) {
        auditContext = AuditContext(log: log, componentName: "transfer")
        try? log.declareAttributes(of: self)
    }
}

@Suite("Metric names, kinds and declarations")
struct MetricNamingTests {
    @Test(arguments: [
        ("recordsProcessed", AuditMetric.counter, "dense_records_records_processed_total", AuditMetricKind.counter, 1.0),
        ("errorCount", .counter, "dense_records_error_count_total", .counter, 1),
        ("requests_total", .counter, "dense_records_requests_total", .counter, 1),
        ("meanLatencyMs", .gauge, "dense_records_mean_latency_seconds", .gauge, 1e-3),
        ("batchLatencyUs", .gauge, "dense_records_batch_latency_seconds", .gauge, 1e-6),
        ("waitNs", .gauge, "dense_records_wait_seconds", .gauge, 1e-9),
        ("CPUTimeSeconds", .gauge, "dense_records_cpu_time_seconds", .gauge, 1),
        ("arenaMiB", .gauge, "dense_records_arena_bytes", .gauge, 1_048_576),
        ("bytesWrittenKiB", .counter, "dense_records_bytes_written_bytes_total", .counter, 1_024),
        ("residentBytes", .gauge, "dense_records_resident_bytes", .gauge, 1),
        ("lastResponseMs", .timer(.milliseconds), "dense_records_last_response_seconds", .histogram, 1e-3),
        ("flushTime", .timer(.microseconds), "dense_records_flush_time_seconds", .histogram, 1e-6),
        ("ms", .gauge, "dense_records_ms", .gauge, 1),
    ])
    func names(attribute: String, metric: AuditMetric, name: String, kind: AuditMetricKind, scale: Double) {
        let mapped = AuditMetricName(attribute: attribute, metric: metric)
        #expect(mapped.name == name)
        #expect(mapped.kind == kind)
        #expect(mapped.scale == scale)
    }

    @Test("A gauge and a timer of one name fail when the bridge is attached, before any instrument exists")
    func conflictAtAttachment() throws {
        let log = ChangeLog(capacity: 64)
        _ = MonitoredPipelineStage(name: "parse", log: log)
        let timed = TimedStage(name: "decode", log: log)
        try log.declareAttributes(of: timed)
        let metrics = TestMetrics()
        #expect {
            try log.reportMetrics(to: metrics)
        } throws: { error in
            guard let conflict = error as? AuditMetricConflict else { return false }
            return conflict.metricName == "dense_records_mean_latency_seconds"
                && Set([conflict.existing.kind, conflict.conflicting.kind]) == [.gauge, .histogram]
                && conflict.description.contains("decode.meanLatencyMs")
        }
        #expect(metrics.counters.isEmpty && metrics.recorders.isEmpty && metrics.timers.isEmpty)
        // Nothing was subscribed: events reach no bridge.
        timed.meanLatencyMs = 3
        #expect(metrics.timers.isEmpty)
    }

    @Test("A conflicting component declared after attachment throws, and its events are counted, not reported")
    func conflictAfterAttachment() throws {
        let log = ChangeLog(capacity: 64)
        let metrics = TestMetrics()
        try log.reportMetrics(to: metrics)
        let parse = MonitoredPipelineStage(name: "parse", log: log)
        let timed = TimedStage(name: "decode", log: log)
        #expect(throws: AuditMetricConflict.self) { try log.declareAttributes(of: timed) }
        timed.meanLatencyMs = 3
        timed.meanLatencyMs = 4
        parse.recordBatch(records: 1, latency: .milliseconds(5))
        let conflicts = try metrics.expectCounter(
            "dense_records_audit_metric_conflicts_total", [("component", "decode"), ("attribute", "meanLatencyMs")])
        #expect(conflicts.totalValue == 2)
        #expect(metrics.timers.isEmpty)
        let gauge = try metrics.expectGauge(
            "dense_records_mean_latency_seconds", [("component", "parse"), ("attribute", "meanLatencyMs")])
        #expect(gauge.lastValue == 0.005)
    }

    @Test("One component name with one attribute name of two kinds: a conflict at attachment, and after it the second kind's events are counted, never fed to the first's instrument")
    func conflictWithinOneComponentName() throws {
        // A custom stage's own timer beside the pipeline's gauge for that stage, both under the stage's name.
        let attachedFirst = ChangeLog(capacity: 64)
        let parse = MonitoredPipelineStage(name: "decode", log: attachedFirst)
        let metrics = TestMetrics()
        try attachedFirst.reportMetrics(to: metrics)
        let timed = TimedStage(name: "decode", log: attachedFirst)
        #expect(throws: AuditMetricConflict.self) { try attachedFirst.declareAttributes(of: timed) }
        parse.recordBatch(records: 1, latency: .milliseconds(5))
        timed.meanLatencyMs = 3
        let gauge = try metrics.expectGauge(
            "dense_records_mean_latency_seconds", [("component", "decode"), ("attribute", "meanLatencyMs")])
        #expect(gauge.lastValue == 0.005)
        #expect(metrics.timers.isEmpty)
        let conflicts = try metrics.expectCounter(
            "dense_records_audit_metric_conflicts_total", [("component", "decode"), ("attribute", "meanLatencyMs")])
        #expect(conflicts.totalValue == 1)

        let declaredFirst = ChangeLog(capacity: 64)
        _ = MonitoredPipelineStage(name: "decode", log: declaredFirst)
        try declaredFirst.declareAttributes(of: TimedStage(name: "decode", log: declaredFirst))
        let unattached = TestMetrics()
        #expect {
            try declaredFirst.reportMetrics(to: unattached)
        } throws: { error in
            guard let conflict = error as? AuditMetricConflict else { return false }
            return conflict.metricName == "dense_records_mean_latency_seconds"
                && conflict.existing.component == "decode" && conflict.conflicting.component == "decode"
        }
        #expect(unattached.counters.isEmpty && unattached.recorders.isEmpty && unattached.timers.isEmpty)
    }

    @Test("An undeclared attribute whose kind conflicts is counted on its first event, never created")
    func undeclaredConflict() throws {
        let log = ChangeLog(capacity: 64)
        let metrics = TestMetrics()
        _ = MonitoredPipelineStage(name: "parse", log: log)
        try log.reportMetrics(to: metrics)
        let timed = TimedStage(name: "decode", log: log)   // not declared
        timed.meanLatencyMs = 3
        #expect(metrics.timers.isEmpty)
        let conflicts = try metrics.expectCounter(
            "dense_records_audit_metric_conflicts_total", [("component", "decode"), ("attribute", "meanLatencyMs")])
        #expect(conflicts.totalValue == 1)
    }

    @Test("Declared counters exist at 0 from attachment; unit conversions apply to counters")
    func countersFromTheStart() throws {
        let log = ChangeLog(capacity: 64)
        let transfer = Transfer(log: log)
        let metrics = TestMetrics()
        try log.reportMetrics(to: metrics)
        let bytes = try metrics.expectCounter(
            "dense_records_bytes_written_bytes_total", [("component", "transfer"), ("attribute", "bytesWrittenKiB")])
        #expect(bytes.totalValue == 0)
        // TestMetrics has no floating-point counters of its own: swift-metrics rounds them into an integer one.
        let busy = try metrics.expectCounter(
            "dense_records_busy_seconds_total", [("component", "transfer"), ("attribute", "busyMs")])
        #expect(busy.totalValue == 0)
        let depth = try metrics.expectGauge("dense_records_queue_depth", [("component", "transfer"), ("attribute", "queueDepth")])
        #expect(depth.values == [0])
        transfer.bytesWrittenKiB += 3
        transfer.busyMs += 3_000
        #expect(bytes.totalValue == 3 * 1_024)
        #expect(busy.totalValue == 3)
        // Declaring again adds nothing.
        try log.declareAttributes(of: transfer)
        #expect(depth.values == [0])
    }
}
