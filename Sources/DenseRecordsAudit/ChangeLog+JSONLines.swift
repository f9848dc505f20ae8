import InternalDenseRecordsUtilities
extension ChangeLog {
    /// Writes every retained event as JSON Lines, oldest first: one JSON object per line.
    ///
    /// Each line has these keys:
    ///
    /// | key | value |
    /// |---|---|
    /// | `sequence` | the event's sequence number |
    /// | `wall_clock_ns` | nanoseconds since the Unix epoch |
    /// | `monotonic_ns` | nanoseconds on the monotonic clock |
    /// | `component`, `attribute` | the names |
    /// | `old`, `new` | the values; `new` is the refused value of a rejected event |
    /// | `value_type` | `integer` or `floating_point` |
    /// | `outcome` | `accepted` or `rejected` |
    /// | `metric` | `counter`, `gauge` or `timer_<unit>` |
    /// | `reason`, `limit` | for rejected events only: ``RejectionReason/code`` and the broken bound |
    ///
    /// JSON has no NaN or infinity, so those values are written as the
    /// strings `"NaN"`, `"Infinity"` and `"-Infinity"`.
    ///
    /// - Parameter target: The stream to append to.
    /// - Complexity: O(*n*), where *n* is the number of retained events. The
    ///   events are copied under the lock and written after it is released.
    public func writeJSONLines<Target: TextOutputStream>(to target: inout Target) {
        let events = snapshot()
        let (components, attributes) = nameSnapshot()
        for event in events {
            let component = Int(event.component.rawValue) < components.count ? components[Int(event.component.rawValue)] : "#\(event.component.rawValue)"
            let attribute = Int(event.attribute.rawValue) < attributes.count ? attributes[Int(event.attribute.rawValue)] : "#\(event.attribute.rawValue)"
            var line = "{\"sequence\":\(event.sequence),\"wall_clock_ns\":\(event.wallClockNanoseconds)"
            line += ",\"monotonic_ns\":\(event.monotonicNanoseconds)"
            line += ",\"component\":" + Self.jsonString(component) + ",\"attribute\":" + Self.jsonString(attribute)
            line += ",\"old\":" + Self.jsonNumber(event.oldValue) + ",\"new\":" + Self.jsonNumber(event.newValue)
            if case .integer = event.newValue { line += ",\"value_type\":\"integer\"" } else { line += ",\"value_type\":\"floating_point\"" }
            line += ",\"metric\":\"" + Self.metricName(event.metric) + "\""
            switch event.outcome {
            case .accepted:
                line += ",\"outcome\":\"accepted\"}\n"
            case let .rejected(reason):
                line += ",\"outcome\":\"rejected\",\"reason\":\"\(reason.code)\""
                switch reason {
                case .notFinite: line += "}\n"
                case let .belowMinimum(limit), let .aboveMaximum(limit): line += ",\"limit\":" + Self.jsonNumber(limit) + "}\n"
                }
            }
            target.write(line)
        }
    }

    /// Every retained event as JSON Lines, oldest first; see ``writeJSONLines(to:)`` for the format.
    ///
    /// - Returns: The lines, each ending in a newline.
    /// - Complexity: O(*n*), where *n* is the number of retained events.
    public func jsonLines() -> String {
        var output = ""
        writeJSONLines(to: &output)
        return output
    }

    /// The name of a metric kind as exports and log metadata show it.
    static func metricName(_ metric: AuditMetric) -> String {
        switch metric {
        case .counter: "counter"
        case .gauge: "gauge"
        case .timer(.nanoseconds): "timer_ns"
        case .timer(.microseconds): "timer_us"
        case .timer(.milliseconds): "timer_ms"
        case .timer(.seconds): "timer_s"
        }
    }

    static func jsonNumber(_ value: AuditValue) -> String {
        switch value {
        case let .integer(integer): return integer.description
        case let .floatingPoint(double):
            if double.isNaN { return "\"NaN\"" }
            if double.isInfinite { return double < 0 ? "\"-Infinity\"" : "\"Infinity\"" }
            // Swift prints the shortest digits that round-trip, in a form JSON accepts (`1e-05`, `2.5`).
            return double.description
        }
    }

    static func jsonString(_ string: String) -> String {
        var escaped = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }
}
