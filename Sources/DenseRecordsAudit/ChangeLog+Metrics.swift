import InternalDenseRecordsUtilities
public import Metrics
import Synchronization

extension ChangeLog {
    /// Reports every event from now on to a swift-metrics backend, with component and attribute dimensions.
    ///
    /// Each accepted event updates its attribute's instrument, chosen by the
    /// attribute's ``AuditMetric``:
    ///
    /// - ``AuditMetric/counter``: a `Counter` is incremented by each increase
    ///   (a `FloatingPointCounter` for floating-point attributes). Decreases,
    ///   such as a reset to zero, are not reported, because a counter only grows.
    /// - ``AuditMetric/gauge``: a `Gauge` records the new value.
    /// - ``AuditMetric/timer(_:)``: a `Timer` records the new value, converted to nanoseconds.
    ///
    /// The instrument's label is `labelPrefix` followed by the attribute's
    /// name, and its dimensions are `component` and `attribute`. Each rejected
    /// event increments the counter `<labelPrefix>audit_rejections` with the
    /// dimensions `component`, `attribute` and `reason` (a ``RejectionReason/code``).
    ///
    /// Nothing global is touched: instruments are made by `factory`, so tests
    /// can pass a `TestMetrics` without bootstrapping `MetricsSystem`. Instruments
    /// are made on an attribute's first event and reused.
    ///
    /// - Parameters:
    ///   - factory: The backend, for example `MetricsSystem.factory` in a service.
    ///   - labelPrefix: Prepended to each label.
    /// - Returns: The subscription; pass it to ``cancel(_:)`` to stop reporting.
    /// - Complexity: Per event, one dictionary lookup and the backend's own cost.
    @discardableResult
    public func reportMetrics(to factory: any MetricsFactory, labelPrefix: String = "dense_records_") -> Subscription {
        let reporter = MetricsReporter(factory: factory, labelPrefix: labelPrefix) { [weak self] component, attribute in
            self?.names(of: component, attribute) ?? ("#\(component.rawValue)", "#\(attribute.rawValue)")
        }
        return subscribe { event in reporter.report(event) }
    }
}

/// Turns events into swift-metrics instrument updates; runs under the log's delivery lock, one event at a time.
final class MetricsReporter: Sendable {
    enum Instrument: Sendable {
        case counter(Counter)
        case floatingPointCounter(FloatingPointCounter)
        case gauge(Gauge)
        case timer(Timer)
    }

    struct Key: Hashable {
        var component: ComponentID
        var attribute: AttributeID
        /// 0 for the attribute's own instrument; 1 + the reason's index for a rejection counter.
        var slot: UInt8
    }

    let factory: any MetricsFactory
    let labelPrefix: String
    let resolveNames: @Sendable (ComponentID, AttributeID) -> (component: String, attribute: String)
    let instruments = SanitizerVisibleMutex<[Key: Instrument]>([:])

    init(
        factory: any MetricsFactory, labelPrefix: String,
        resolveNames: @escaping @Sendable (ComponentID, AttributeID) -> (component: String, attribute: String)
    ) {
        self.factory = factory
        self.labelPrefix = labelPrefix
        self.resolveNames = resolveNames
    }

    func report(_ event: ChangeEvent) {
        switch event.outcome {
        case let .rejected(reason):
            let slot: UInt8 = switch reason {
            case .notFinite: 1
            case .belowMinimum: 2
            case .aboveMaximum: 3
            }
            let counter = instrument(for: Key(component: event.component, attribute: event.attribute, slot: slot)) {
                names in
                .counter(Counter(
                    label: labelPrefix + "audit_rejections",
                    dimensions: [("component", names.component), ("attribute", names.attribute), ("reason", reason.code)],
                    factory: factory))
            }
            if case let .counter(counter) = counter { counter.increment() }
        case .accepted:
            let key = Key(component: event.component, attribute: event.attribute, slot: 0)
            let instrument = instrument(for: key) { names in
                let label = labelPrefix + names.attribute
                let dimensions = [("component", names.component), ("attribute", names.attribute)]
                switch (event.metric, event.newValue) {
                case (.counter, .integer): return .counter(Counter(label: label, dimensions: dimensions, factory: factory))
                case (.counter, .floatingPoint):
                    return .floatingPointCounter(FloatingPointCounter(label: label, dimensions: dimensions, factory: factory))
                case (.gauge, _): return .gauge(Gauge(label: label, dimensions: dimensions, factory: factory))
                case (.timer, _): return .timer(Timer(label: label, dimensions: dimensions, factory: factory))
                }
            }
            update(instrument, with: event)
        }
    }

    private func update(_ instrument: Instrument, with event: ChangeEvent) {
        switch instrument {
        case let .counter(counter):
            if case let .integer(delta) = event.newValue.difference(from: event.oldValue), delta > 0 {
                counter.increment(by: delta)
            }
        case let .floatingPointCounter(counter):
            let delta = event.newValue.doubleValue - event.oldValue.doubleValue
            if delta > 0, delta.isFinite { counter.increment(by: delta) }
        case let .gauge(gauge):
            gauge.record(event.newValue.doubleValue)
        case let .timer(timer):
            guard case let .timer(unit) = event.metric else { return }
            let nanoseconds = event.newValue.doubleValue * unit.nanosecondsPerUnit
            // Int64(exactly:) would refuse fractions; clamp instead of trapping on huge or non-finite values.
            guard nanoseconds.isFinite else { return }
            timer.recordNanoseconds(nanoseconds >= 9.2e18 ? Int64.max : Int64(nanoseconds.rounded()))
        }
    }

    private func instrument(
        for key: Key, make: ((component: String, attribute: String)) -> Instrument
    ) -> Instrument {
        instruments.withLock { table in
            if let existing = table[key] { return existing }
            let made = make(resolveNames(key.component, key.attribute))
            table[key] = made
            return made
        }
    }
}
