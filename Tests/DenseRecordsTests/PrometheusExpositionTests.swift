import DenseRecords
import DenseRecordsTestKit
import DenseRecordsTestSupport
import Foundation
import Prometheus
import Testing

/// A custom stage with audited metrics, made by a factory that receives the pipeline's context.
private final class EvenSensorFilter: RecordStage, AuditedComponent {
    let auditContext: AuditContext
    @Audited(metric: .counter, .nonNegative) var droppedRecords = 0
    @Audited(metric: .timer(.microseconds), .nonNegative) var lastCallUs = 0
    @Audited(metric: .gauge) var keptFraction = 1.0

    init(context: ComponentContext) { auditContext = context.auditContext }

    func process(_ batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress {
        let before = batch.count
        batch.removeAll(where: { $0.sensorID % 2 == 1 })
        report.reject(before - batch.count, reason: "odd sensor")
        droppedRecords += before - batch.count
        lastCallUs = 1_500
        keptFraction = Double(batch.count) / Double(before)
        return .done
    }
}

/// The value of the one sample line `name{…labels…} value` whose labels include every one of `labels`.
private func sample(_ text: String, _ name: String, _ labels: [String: String]) -> Double? {
    let matches = text.split(separator: "\n").filter { line in
        line.hasPrefix(name + "{") && labels.allSatisfy { line.contains("\($0.key)=\"\($0.value)\"") }
    }
    guard matches.count == 1, let value = matches[0].split(separator: " ").last else { return nil }
    return Double(value)
}

@Suite("Pipeline metrics through swift-prometheus")
struct PrometheusExpositionTests {
    static let spec = """
        {
          "batchSize": 256,
          "source": { "component": "synthetic", "name": "generator", "parameters": { "records": 1000, "sensors": 6, "seed": 3 } },
          "stages": [ { "component": "even-sensors", "name": "evens" } ],
          "sinks": [ { "component": "arena", "name": "memory" } ]
        }
        """

    static func pipeline() throws -> Pipeline {
        var registry = ComponentRegistry.builtIn
        try registry.register("even-sensors", role: .stage) { _, context in EvenSensorFilter(context: context) }
        return try PipelineBuilder(registry: registry).build(Data(spec.utf8))
    }

    @Test("Names, TYPE lines and values in the exposition text, counters at 0 before the run")
    func exposition() async throws {
        let pipeline = try Self.pipeline()
        let prometheus = PrometheusCollectorRegistry()
        try pipeline.changeLog.reportMetrics(to: PrometheusMetricsFactory(registry: prometheus))

        let before = prometheus.emitToString()
        for (name, type) in [
            ("dense_records_records_processed_total", "counter"), ("dense_records_error_count_total", "counter"),
            ("dense_records_dropped_records_total", "counter"), ("dense_records_mean_latency_seconds", "gauge"),
            ("dense_records_kept_fraction", "gauge"), ("dense_records_last_call_seconds", "histogram"),
        ] {
            #expect(before.contains("# TYPE \(name) \(type)\n"), "no TYPE line for \(name) in:\n\(before)")
        }
        let stageLabels = ["component": "evens", "attribute": "recordsProcessed"]
        #expect(sample(before, "dense_records_records_processed_total", stageLabels) == 0)
        #expect(sample(before, "dense_records_dropped_records_total", ["component": "evens"]) == 0)
        // Metric names are snake_case; the attribute's own name stays only in the `attribute` label.
        let metricNames = Set(before.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            String(line.prefix { $0 != "{" && $0 != " " })
        })
        #expect(!metricNames.isEmpty)
        for name in metricNames {
            #expect(name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "metric name \(name) is not snake_case")
        }

        let summary = try await pipeline.run()
        let after = prometheus.emitToString()
        let stage = try #require(summary.stages.first)
        let dropped = stage.rejected["odd sensor"]
        let kept = try pipeline.output(of: "memory", as: SealedRecords.self)
        #expect(dropped > 0 && kept.count == 1_000 - dropped)
        #expect(sample(after, "dense_records_records_processed_total", stageLabels) == Double(stage.recordsIn))
        #expect(sample(after, "dense_records_dropped_records_total", ["component": "evens"]) == Double(dropped))
        #expect(sample(after, "dense_records_error_count_total", ["component": "evens"]) == 0)
        let batches = Double(stage.metrics.batchesProcessed)
        #expect(batches >= 4)
        // 1,500 µs per call, reported in seconds.
        #expect(sample(after, "dense_records_last_call_seconds_count", ["component": "evens"]) == batches)
        let sum = try #require(sample(after, "dense_records_last_call_seconds_sum", ["component": "evens"]))
        #expect(abs(sum - batches * 0.0015) < 1e-9)
        let meanLatency = try #require(sample(after, "dense_records_mean_latency_seconds", ["component": "evens"]))
        #expect(abs(meanLatency - stage.metrics.meanLatencyMs / 1_000) < 1e-12)
    }

    @Test("Two components with one attribute name of two kinds: a typed error at attachment, never a crash in the backend")
    func conflictIsAnErrorNotACrash() throws {
        final class TimedStage: RecordStage, AuditedComponent {
            let auditContext: AuditContext
            @Audited(metric: .timer(.milliseconds), .nonNegative) var meanLatencyMs = 0.0
            init(context: ComponentContext) { auditContext = context.auditContext }
            func process(_ batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress { .done }
        }
        var registry = ComponentRegistry.builtIn
        try registry.register("timed", role: .stage) { _, context in TimedStage(context: context) }
        let spec = """
            { "source": { "component": "synthetic", "parameters": { "records": 10 } },
              "stages": [ { "component": "timed" } ], "sinks": [ { "component": "arena" } ] }
            """
        let pipeline = try PipelineBuilder(registry: registry).build(Data(spec.utf8))
        let prometheus = PrometheusCollectorRegistry()
        #expect {
            try pipeline.changeLog.reportMetrics(to: PrometheusMetricsFactory(registry: prometheus))
        } throws: { error in
            (error as? AuditMetricConflict)?.metricName == "dense_records_mean_latency_seconds"
        }
        #expect(prometheus.emitToString().isEmpty)
    }
}
