import InternalDenseRecordsUtilities
public import Metrics
import Synchronization

extension ChangeLog {
    /// Reports every event from now on to a swift-metrics backend, under Prometheus-style names with component and attribute dimensions.
    ///
    /// Each attribute reports as the metric that ``AuditMetricName`` names:
    /// snake_case, `_total` on counters, and a time or size unit in the name
    /// replaced by its base unit (seconds, bytes), with values converted to
    /// match. By ``AuditMetric``:
    ///
    /// - ``AuditMetric/counter``: a `Counter` (a `FloatingPointCounter` for
    ///   floating-point attributes or a unit conversion) adds each increase.
    ///   Decreases, such as a reset to zero, are not reported, because a counter only grows.
    /// - ``AuditMetric/gauge``: a `Gauge` records the new value.
    /// - ``AuditMetric/timer(_:)``: a `Timer` records the new value as a duration
    ///   (swift-prometheus renders it as a histogram in seconds).
    ///
    /// Dimensions are `component` and `attribute`. Each rejected event
    /// increments the counter `<labelPrefix>audit_rejections_total` with the
    /// dimensions `component`, `attribute` and `reason` (a ``RejectionReason/code``).
    ///
    /// ## Declared attributes exist from the start
    ///
    /// Every attribute declared with ``declareAttributes(of:)`` (a ``Pipeline``
    /// declares its components' when it is created) gets its instrument when
    /// the bridge is attached, or when it is declared if that comes later:
    /// counters at 0, gauges at the attribute's current value. Other attributes
    /// get theirs on their first event.
    ///
    /// ## One kind per name
    ///
    /// Backends keep one kind per metric name; swift-prometheus stops the
    /// process when asked for a second. So before creating any instrument, this
    /// method checks every declared attribute, and the rejection counter's
    /// name, and throws ``AuditMetricConflict`` if two of them need different
    /// kinds under one name. An attribute that first shows up later with a
    /// conflicting kind (undeclared, or declared after attaching: then
    /// ``declareAttributes(of:)`` throws) gets no instrument: its events are
    /// not reported, and each one increments
    /// `<labelPrefix>audit_metric_conflicts_total` with the dimensions
    /// `component` and `attribute`. Names the backend holds from other code are
    /// not known here.
    ///
    /// Nothing global is touched: instruments are made by `factory`, so tests
    /// can pass a `TestMetrics` without bootstrapping `MetricsSystem`.
    ///
    /// - Parameters:
    ///   - factory: The backend, for example `MetricsSystem.factory` in a service.
    ///   - labelPrefix: Prepended to each metric name.
    /// - Returns: The subscription; pass it to ``cancel(_:)`` to stop reporting.
    /// - Throws: ``AuditMetricConflict`` when two declared attributes need
    ///   different kinds under one metric name; nothing is reported or created then.
    /// - Complexity: O(*d*) in the declared attributes when attached; per event,
    ///   one dictionary lookup and the backend's own cost.
    @discardableResult
    public func reportMetrics(
        to factory: any MetricsFactory, labelPrefix: String = "dense_records_"
    ) throws(AuditMetricConflict) -> Subscription {
        let token = makeSubscriptionToken()
        let reporter = MetricsReporter(factory: factory, labelPrefix: labelPrefix) { [weak self] component, attribute in
            self?.names(of: component, attribute) ?? ("#\(component.rawValue)", "#\(attribute.rawValue)")
        }
        // Registered under the name lock with the declarations seen so far, so every
        // declaration reaches the reporter exactly once: in this list or by `declare`.
        let declared = names.withLock { table in
            table.metricsReporters[token] = reporter
            return table.declarations
        }
        do {
            try reporter.declare(declared)
        } catch {
            _ = names.withLock { table in table.metricsReporters.removeValue(forKey: token) }
            throw error
        }
        return addSubscriber(token: token, deliver: { event in reporter.report(event) }, finish: nil)
    }

    /// Declares a component's ``Audited`` attributes, so that metrics bridges create their instruments now.
    ///
    /// Finds the attributes by reflection (`Mirror`) over the component's
    /// stored properties, superclasses included, registers their names, and
    /// hands each, with its ``AuditMetric`` and current value, to every bridge
    /// attached with ``reportMetrics(to:labelPrefix:)``, now and later. A
    /// component declared twice adds nothing.
    ///
    /// A ``Pipeline`` declares its stages' metrics and every audited component
    /// it is built from; ``MonitoredPipelineStage`` declares itself. Call it at
    /// the end of your own component's initializer.
    ///
    /// - Parameter component: The component; it must record into this log.
    /// - Throws: ``AuditMetricConflict`` when an attached bridge already has one
    ///   of the attribute's metric names with another kind. The attribute is
    ///   declared all the same; that bridge does not report it, and counts its
    ///   events as conflicts.
    /// - Complexity: O(*p*) in the component's stored properties, plus the backends' cost.
    public func declareAttributes(of component: some AuditedComponent) throws(AuditMetricConflict) {
        let componentID = component.auditContext.component
        var found: [(name: String, metric: AuditMetric, value: AuditValue)] = []
        var mirror: Mirror? = Mirror(reflecting: component)
        while let current = mirror {
            for child in current.children {
                guard let declaration = child.value as? any AuditedAttributeStorage, var name = child.label else { continue }
                if name.first == "_" { name.removeFirst() }
                found.append((name, declaration.declaredMetric, declaration.declaredValue))
            }
            mirror = current.superclassMirror
        }
        let attributes = found.map { registerAttribute(named: $0.name) }
        let (added, reporters) = names.withLock { table in
            var added: [AttributeDeclaration] = []
            for (index, attribute) in attributes.enumerated() {
                let declaration = AttributeDeclaration(
                    component: componentID, attribute: attribute, metric: found[index].metric, value: found[index].value)
                guard table.declared.insert(declaration.key).inserted else { continue }
                table.declarations.append(declaration)
                added.append(declaration)
            }
            return (added, Array(table.metricsReporters.values))
        }
        var firstConflict: AuditMetricConflict? = nil
        for reporter in reporters {
            do {
                try reporter.declare(added, keepingConflictsOut: true)
            } catch {
                if firstConflict == nil { firstConflict = error }
            }
        }
        if let firstConflict { throw firstConflict }
    }
}

/// An ``Audited`` wrapper seen through `Mirror`, without its value type.
protocol AuditedAttributeStorage {
    var declaredMetric: AuditMetric { get }
    var declaredValue: AuditValue { get }
}

extension AuditValue {
    /// Whether the value is a floating-point one, which needs a `FloatingPointCounter`.
    var isFloatingPoint: Bool {
        if case .floatingPoint = self { true } else { false }
    }
}

extension Audited: AuditedAttributeStorage {
    var declaredMetric: AuditMetric { metric }
    var declaredValue: AuditValue { value.auditValue }
}

/// One declared attribute of one component.
struct AttributeDeclaration: Sendable {
    struct Key: Hashable, Sendable {
        var component: ComponentID
        var attribute: AttributeID
        /// One attribute name declared twice with two kinds (a component's own attribute beside its
        /// pipeline's metrics of the same name) is two declarations, so attaching finds the conflict.
        var kind: AuditMetricKind
    }

    var component: ComponentID
    var attribute: AttributeID
    var metric: AuditMetric
    var value: AuditValue

    var key: Key { Key(component: component, attribute: attribute, kind: metric.kind) }
}

/// Turns events into swift-metrics instrument updates; runs under the log's delivery lock, one event at a time.
final class MetricsReporter: Sendable {
    enum Instrument: Sendable {
        case counter(Counter, scale: Int64)
        case floatingPointCounter(FloatingPointCounter, scale: Double)
        case gauge(Gauge, scale: Double)
        case timer(Timer, nanosecondsPerUnit: Double)
        /// Its name has another kind here: never created, its events counted as conflicts.
        case conflicted(Counter)
    }

    struct Key: Hashable {
        var component: ComponentID
        var attribute: AttributeID
        /// 0 for the attribute's own instrument; 1 + the reason's index for a rejection counter.
        var slot: UInt8
        /// The instrument's kind; `nil` for a rejection counter. An attribute name used with two
        /// kinds in one component has two keys: the second is conflicted, never fed to the first.
        var kind: AuditMetricKind?
    }

    struct State {
        var instruments: [Key: Instrument] = [:]
        /// Every metric name this reporter has created, with its kind and first user.
        var kinds: [String: AuditMetricConflict.Use] = [:]
    }

    let factory: any MetricsFactory
    let labelPrefix: String
    let resolveNames: @Sendable (ComponentID, AttributeID) -> (component: String, attribute: String)
    let state = SanitizerVisibleMutex(State())

    init(
        factory: any MetricsFactory, labelPrefix: String,
        resolveNames: @escaping @Sendable (ComponentID, AttributeID) -> (component: String, attribute: String)
    ) {
        self.factory = factory
        self.labelPrefix = labelPrefix
        self.resolveNames = resolveNames
    }

    var rejectionsName: String { labelPrefix + "audit_rejections_total" }
    var conflictsName: String { labelPrefix + "audit_metric_conflicts_total" }

    /// Creates the instruments of declared attributes.
    ///
    /// With `keepingConflictsOut` false (attaching), a conflict throws before
    /// anything is created. With it true (a later declaration), the attributes
    /// without conflicts get their instruments, the others are marked
    /// conflicted, and the first conflict is thrown.
    func declare(_ declarations: [AttributeDeclaration], keepingConflictsOut: Bool = false) throws(AuditMetricConflict) {
        let named = declarations.map { declaration in
            let names = resolveNames(declaration.component, declaration.attribute)
            return (declaration, names, AuditMetricName(attribute: names.attribute, metric: declaration.metric, labelPrefix: labelPrefix))
        }
        let conflict = state.withLock { state -> AuditMetricConflict? in
            if !keepingConflictsOut {
                // Check all of them first: a failed attachment creates nothing.
                var kinds = state.kinds
                for (_, names, metric) in named {
                    let use = AuditMetricConflict.Use(component: names.component, attribute: names.attribute, kind: metric.kind)
                    if let conflict = Self.claim(metric.name, use, in: &kinds, reserved: reserved) { return conflict }
                }
            }
            var first: AuditMetricConflict? = nil
            for (declaration, names, metric) in named {
                let key = Key(component: declaration.component, attribute: declaration.attribute, slot: 0, kind: metric.kind)
                guard state.instruments[key] == nil else { continue }
                let instrument = makeInstrument(
                    names: names, metric: metric, floatingPoint: declaration.value.isFloatingPoint, state: &state,
                    conflict: &first)
                state.instruments[key] = instrument
                if case let .gauge(gauge, scale) = instrument { gauge.record(declaration.value.doubleValue * scale) }
            }
            return first
        }
        if let conflict { throw conflict }
    }

    /// The names this reporter creates itself, with their kinds.
    var reserved: [String: AuditMetricConflict.Use] {
        [rejectionsName: .init(component: "(bridge)", attribute: "(rejections)", kind: .counter),
         conflictsName: .init(component: "(bridge)", attribute: "(conflicts)", kind: .counter)]
    }

    /// Claims `name` for `use`; returns the conflict if the name has another kind.
    static func claim(
        _ name: String, _ use: AuditMetricConflict.Use, in kinds: inout [String: AuditMetricConflict.Use],
        reserved: [String: AuditMetricConflict.Use]
    ) -> AuditMetricConflict? {
        if let existing = kinds[name] ?? reserved[name] {
            return existing.kind == use.kind ? nil : AuditMetricConflict(metricName: name, existing: existing, conflicting: use)
        }
        kinds[name] = use
        return nil
    }

    /// Makes the instrument for one attribute, or marks it conflicted; called under the state lock.
    private func makeInstrument(
        names: (component: String, attribute: String), metric: AuditMetricName, floatingPoint: Bool, state: inout State,
        conflict: inout AuditMetricConflict?
    ) -> Instrument {
        let dimensions = [("component", names.component), ("attribute", names.attribute)]
        let use = AuditMetricConflict.Use(component: names.component, attribute: names.attribute, kind: metric.kind)
        if let found = Self.claim(metric.name, use, in: &state.kinds, reserved: reserved) {
            if conflict == nil { conflict = found }
            return .conflicted(Counter(label: conflictsName, dimensions: dimensions, factory: factory))
        }
        switch metric.kind {
        case .counter:
            // An integer counter stays integral when its scale is a whole number (KiB to bytes).
            if !floatingPoint, metric.scale >= 1, metric.scale == metric.scale.rounded(), metric.scale < 9.2e18 {
                return .counter(Counter(label: metric.name, dimensions: dimensions, factory: factory), scale: Int64(metric.scale))
            }
            return .floatingPointCounter(
                FloatingPointCounter(label: metric.name, dimensions: dimensions, factory: factory), scale: metric.scale)
        case .gauge:
            return .gauge(Gauge(label: metric.name, dimensions: dimensions, factory: factory), scale: metric.scale)
        case .histogram:
            return .timer(
                Timer(label: metric.name, dimensions: dimensions, factory: factory),
                nanosecondsPerUnit: metric.scale * 1e9)
        }
    }

    func report(_ event: ChangeEvent) {
        switch event.outcome {
        case let .rejected(reason):
            let slot: UInt8 = switch reason {
            case .notFinite: 1
            case .belowMinimum: 2
            case .aboveMaximum: 3
            }
            let key = Key(component: event.component, attribute: event.attribute, slot: slot, kind: nil)
            let counter = state.withLock { state -> Instrument in
                if let existing = state.instruments[key] { return existing }
                let names = resolveNames(key.component, key.attribute)
                let made = Instrument.counter(Counter(
                    label: rejectionsName,
                    dimensions: [("component", names.component), ("attribute", names.attribute), ("reason", reason.code)],
                    factory: factory), scale: 1)
                state.instruments[key] = made
                return made
            }
            if case let .counter(counter, _) = counter { counter.increment() }
        case .accepted:
            let key = Key(component: event.component, attribute: event.attribute, slot: 0, kind: event.metric.kind)
            let instrument = state.withLock { state -> Instrument in
                if let existing = state.instruments[key] { return existing }
                let names = resolveNames(key.component, key.attribute)
                let metric = AuditMetricName(attribute: names.attribute, metric: event.metric, labelPrefix: labelPrefix)
                var conflict: AuditMetricConflict? = nil
                let made = makeInstrument(
                    names: names, metric: metric, floatingPoint: event.newValue.isFloatingPoint, state: &state,
                    conflict: &conflict)
                state.instruments[key] = made
                return made
            }
            update(instrument, with: event)
        }
    }

    private func update(_ instrument: Instrument, with event: ChangeEvent) {
        switch instrument {
        case let .counter(counter, scale):
            if case let .integer(delta) = event.newValue.difference(from: event.oldValue), delta > 0 {
                let (scaled, overflow) = delta.multipliedReportingOverflow(by: scale)
                counter.increment(by: overflow ? .max : scaled)
            }
        case let .floatingPointCounter(counter, scale):
            let delta = (event.newValue.doubleValue - event.oldValue.doubleValue) * scale
            if delta > 0, delta.isFinite { counter.increment(by: delta) }
        case let .gauge(gauge, scale):
            gauge.record(event.newValue.doubleValue * scale)
        case let .timer(timer, nanosecondsPerUnit):
            let nanoseconds = event.newValue.doubleValue * nanosecondsPerUnit
            // Int64(exactly:) would refuse fractions; clamp instead of trapping on huge or non-finite values.
            guard nanoseconds.isFinite else { return }
            timer.recordNanoseconds(nanoseconds >= 9.2e18 ? Int64.max : Int64(nanoseconds.rounded()))
        case let .conflicted(counter):
            counter.increment()
        }
    }
}
