import InternalDenseRecordsUtilities
/// The kind of instrument an audited attribute becomes in a metrics backend, as Prometheus and OpenTelemetry name them.
public enum AuditMetricKind: String, Hashable, Sendable, CustomStringConvertible {
    /// A monotonic total, from ``AuditMetric/counter``; its name ends in `_total`.
    case counter
    /// A level that goes up and down, from ``AuditMetric/gauge``.
    case gauge
    /// A distribution of durations in seconds, from ``AuditMetric/timer(_:)`` (a swift-metrics `Timer`).
    case histogram

    /// The kind's name, as in a Prometheus `# TYPE` line.
    public var description: String { rawValue }
}

extension AuditMetric {
    /// The instrument kind the attribute becomes in a metrics backend.
    var kind: AuditMetricKind {
        switch self {
        case .counter: .counter
        case .gauge: .gauge
        case .timer: .histogram
        }
    }
}

/// The metric an audited attribute reports as: its snake_case name with the base unit, its kind and its scale.
///
/// ``ChangeLog/reportMetrics(to:labelPrefix:)`` names every instrument this
/// way, following the Prometheus and OpenTelemetry conventions:
///
/// 1. The attribute's camelCase name becomes snake_case:
///    `recordsProcessed` → `records_processed`, `CPUTime` → `cpu_time`.
///    Characters other than ASCII letters, digits and `_` become `_`.
/// 2. A trailing unit word is replaced by the base unit, and values are
///    converted to match:
///
///    | attribute ends in | metric ends in | value × |
///    |---|---|---|
///    | `Ns`, `Nanos`, `Nanoseconds` | `_seconds` | 1e-9 |
///    | `Us`, `Micros`, `Microseconds` | `_seconds` | 1e-6 |
///    | `Ms`, `Millis`, `Milliseconds` | `_seconds` | 1e-3 |
///    | `Sec`, `Secs`, `Seconds` | `_seconds` | 1 |
///    | `Bytes` | `_bytes` | 1 |
///    | `KiB`, `MiB`, `GiB` | `_bytes` | 2¹⁰, 2²⁰, 2³⁰ |
///
/// 3. A ``AuditMetric/timer(_:)`` always ends in `_seconds` (its unit, not its
///    name, gives the scale) and becomes a histogram.
/// 4. A ``AuditMetric/counter`` ends in `_total`.
/// 5. The label prefix, `dense_records_` by default, goes in front.
///
/// So `meanLatencyMs` (a gauge) reports as `dense_records_mean_latency_seconds`
/// holding seconds, `errorCount` (a counter) as `dense_records_error_count_total`,
/// and `lastResponseMs` (a `.timer(.milliseconds)`) as the histogram
/// `dense_records_last_response_seconds`.
public struct AuditMetricName: Hashable, Sendable, CustomStringConvertible {
    /// The full metric name, prefix included.
    public var name: String
    /// The instrument kind.
    public var kind: AuditMetricKind
    /// What an attribute value is multiplied by to give the metric's base unit (1 when there is no unit).
    ///
    /// For a histogram, the factor to seconds of the timer's unit.
    public var scale: Double

    /// Names the metric of an attribute.
    ///
    /// - Parameters:
    ///   - attribute: The attribute's name, such as `meanLatencyMs`.
    ///   - metric: How the attribute reports.
    ///   - labelPrefix: Prepended to the name.
    /// - Complexity: O(*n*) in the length of the name.
    public init(attribute: String, metric: AuditMetric, labelPrefix: String = "dense_records_") {
        var words = Self.words(of: attribute)
        var unit: (suffix: String, scale: Double)? = nil
        if let last = words.last, let known = Self.units[last], words.count > 1 {
            unit = known
            words.removeLast()
        }
        var base = words.joined(separator: "_")
        switch metric {
        case .counter:
            kind = .counter
            scale = unit?.scale ?? 1
            if let unit { base += "_" + unit.suffix }
            if !base.hasSuffix("_total") { base += "_total" }
        case .gauge:
            kind = .gauge
            scale = unit?.scale ?? 1
            if let unit { base += "_" + unit.suffix }
        case let .timer(timeUnit):
            kind = .histogram
            scale = timeUnit.nanosecondsPerUnit / 1e9
            if let unit, unit.suffix != "seconds" { base += "_" + unit.suffix }
            base += "_seconds"
        }
        name = labelPrefix + base
    }

    /// `name (kind)`.
    public var description: String { "\(name) (\(kind))" }

    /// The unit words this mapping knows, lowercased, with their base unit and factor.
    static let units: [String: (suffix: String, scale: Double)] = [
        "ns": ("seconds", 1e-9), "nanos": ("seconds", 1e-9), "nanoseconds": ("seconds", 1e-9),
        "us": ("seconds", 1e-6), "micros": ("seconds", 1e-6), "microseconds": ("seconds", 1e-6),
        "ms": ("seconds", 1e-3), "millis": ("seconds", 1e-3), "milliseconds": ("seconds", 1e-3),
        "sec": ("seconds", 1), "secs": ("seconds", 1), "seconds": ("seconds", 1),
        "bytes": ("bytes", 1), "kib": ("bytes", 1_024), "mib": ("bytes", 1_048_576), "gib": ("bytes", 1_073_741_824),
    ]

    /// Splits a camelCase or snake_case name into lowercased words: `CPUTimeMs` gives `cpu`, `time`, `ms`.
    static func words(of name: String) -> [String] {
        let scalars = Array(name.unicodeScalars)
        var words: [String] = []
        var current = ""
        func isUpper(_ s: Unicode.Scalar) -> Bool { ("A"..."Z").contains(s) }
        func isLower(_ s: Unicode.Scalar) -> Bool { ("a"..."z").contains(s) }
        func isDigit(_ s: Unicode.Scalar) -> Bool { ("0"..."9").contains(s) }
        for (index, scalar) in scalars.enumerated() {
            guard isUpper(scalar) || isLower(scalar) || isDigit(scalar) else {
                if !current.isEmpty { words.append(current) }
                current = ""
                continue
            }
            if isUpper(scalar), !current.isEmpty {
                let previous = scalars[index - 1]
                let next = index + 1 < scalars.count ? scalars[index + 1] : nil
                // The binary prefixes KiB, MiB and GiB stay one word.
                let binaryPrefix = scalar == "B" && previous == "i" && index >= 2 && "KMG".unicodeScalars.contains(scalars[index - 2])
                // A word starts at a capital after a small letter or a digit (`cpuTime`), or at the
                // last capital of an acronym that a small letter follows (`CPUTime`).
                let afterLower = isLower(previous) || isDigit(previous)
                let endsAcronym = isUpper(previous) && next.map(isLower) == true
                if (afterLower || endsAcronym) && !binaryPrefix {
                    words.append(current)
                    current = ""
                }
            }
            current.unicodeScalars.append(scalar)
        }
        if !current.isEmpty { words.append(current) }
        return words.map { $0.lowercased() }
    }
}

/// Two attributes whose metrics share a name but not a kind, found when a metrics bridge is attached.
///
/// A backend such as swift-prometheus keeps one kind per metric name and stops
/// the process when asked for a second. ``ChangeLog/reportMetrics(to:labelPrefix:)``
/// checks every declared attribute before it creates any instrument, and
/// throws this instead; ``ChangeLog/declareAttributes(of:)`` throws it for a
/// component declared after a bridge was attached.
public struct AuditMetricConflict: Error, Hashable, Sendable, CustomStringConvertible {
    /// One attribute's claim on a metric name.
    public struct Use: Hashable, Sendable, CustomStringConvertible {
        /// The component's name.
        public var component: String
        /// The attribute's name.
        public var attribute: String
        /// The kind the attribute needs.
        public var kind: AuditMetricKind

        /// `component.attribute (kind)`.
        public var description: String { "\(component).\(attribute) (\(kind))" }
    }

    /// The metric name both attributes map to.
    public var metricName: String
    /// The attribute that has the name already.
    public var existing: Use
    /// The attribute that asked for it with another kind.
    public var conflicting: Use

    /// A sentence naming the metric, both attributes and both kinds.
    public var description: String {
        "metric \"\(metricName)\" is a \(existing.kind) for \(existing) but \(conflicting) needs a \(conflicting.kind); "
            + "one name can have one metric kind only: rename one attribute or change its metric kind"
    }
}
