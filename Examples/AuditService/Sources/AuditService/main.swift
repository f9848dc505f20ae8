import DenseRecordsAudit

// A request handler whose metrics audit themselves, in a service that stores no
// records: it depends on the audit product alone, so jemalloc is not linked and
// malloc stays the system's.

final class RequestHandler: AuditedComponent {
    let auditContext: AuditContext
    @Audited(metric: .counter, .nonNegative) var requestsServed = 0
    @Audited(metric: .gauge, .nonNegative, .finite) var meanLatencyMs = 0.0

    init(log: ChangeLog) {
        auditContext = AuditContext(log: log, componentName: "handler")
    }

    func serve(latencyMs: Double) {
        requestsServed = requestsServed + 1
        meanLatencyMs += (latencyMs - meanLatencyMs) / Double(requestsServed)
    }
}

let log = ChangeLog(capacity: 1_024)
let handler = RequestHandler(log: log)
for latency in [12.0, 8.5, 10.0] { handler.serve(latencyMs: latency) }
handler.meanLatencyMs = -1  // refused by the rule and recorded as rejected

let statistics = log.statistics
precondition(handler.requestsServed == 3, "three requests were served")
print("requests: \(handler.requestsServed), mean latency: \(handler.meanLatencyMs) ms")
print("audit log: \(statistics.recordedCount) events, \(statistics.rejectedCount) rejected")
