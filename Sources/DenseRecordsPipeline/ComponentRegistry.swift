import DenseRecordsCore
import DenseRecordsArena
public import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
/// A named factory for one kind of pipeline component.
///
/// A factory records its product's concrete type only as a name and a
/// conformance check, so the builder can check a spec against every protocol
/// before constructing anything.
public struct ComponentFactory: Sendable {
    /// The name specs use in `"component": "…"`.
    public let name: String
    /// The role the factory was registered for.
    public let role: ComponentRole
    /// The product's concrete type, as error messages show it (`CSVRecordSource`).
    public let typeName: String
    /// The parameters the factory accepts.
    public let parameters: [ParameterSpec]
    /// One line for `validate` output and documentation.
    public let summary: String
    let conforms: @Sendable (ComponentRole) -> Bool
    let check: @Sendable (ComponentParameters) -> [ComponentParameterError]
    let make: @Sendable (ComponentParameters, ComponentContext) throws -> AnyObject

    /// Whether the factory's product conforms to the protocol `role` requires.
    ///
    /// - Parameter role: A role.
    /// - Returns: Whether the product type conforms to ``ComponentRole/protocolName``.
    /// - Complexity: One dynamic conformance lookup.
    public func productConforms(to role: ComponentRole) -> Bool { conforms(role) }

    /// The declaration of parameter `name`, or `nil`.
    ///
    /// - Parameter name: A parameter name.
    /// - Returns: The declaration, if the factory has one.
    /// - Complexity: O(*p*) in the number of parameters.
    public func parameter(named name: String) -> ParameterSpec? { parameters.first { $0.name == name } }

    /// The problems that span parameters, such as `min` above `max`, found by the factory's check.
    ///
    /// The builder calls it during validation, once every parameter has the
    /// declared type and range, so `validate` and `build` refuse the same specs.
    ///
    /// - Parameter parameters: Checked parameters with defaults filled in.
    /// - Returns: The problems; empty when the factory would accept them.
    /// - Complexity: What the registered check costs; O(*p*) for the built-ins.
    public func problems(with parameters: ComponentParameters) -> [ComponentParameterError] { check(parameters) }
}

/// Why a factory could not be registered.
public enum ComponentRegistrationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A factory with that name is already registered.
    case duplicateName(String)
    /// The name is empty or contains characters other than letters, digits, `-`, `_` and `.`.
    case invalidName(String)
    /// The product type does not conform to the declared role's protocol.
    case doesNotConform(name: String, typeName: String, role: ComponentRole)
    /// A parameter is declared twice, or its default does not fit its kind.
    case invalidParameter(name: String, parameter: String, problem: String)

    /// A sentence naming the factory, type, role and protocol or parameter at fault.
    public var description: String {
        switch self {
        case let .duplicateName(name):
            "cannot register \"\(name)\": a component with that name is already registered"
        case let .invalidName(name):
            "cannot register \"\(name)\": names use letters, digits, '-', '_' and '.' only"
        case let .doesNotConform(name, typeName, role):
            "cannot register \"\(name)\" as a \(role): \(typeName) does not conform to \(role.protocolName)"
        case let .invalidParameter(name, parameter, problem):
            "cannot register \"\(name)\": parameter \"\(parameter)\" \(problem)"
        }
    }
}

/// A set of named component factories that pipeline specs can refer to.
///
/// A registry is a value: build one, pass it to a ``PipelineBuilder``, and
/// tests get their own without touching global state. ``builtIn`` holds the
/// components DenseRecords ships.
///
/// Registering checks, at that moment, that the product type conforms to the
/// protocol of the declared role: the runtime counterpart of Python's
/// `@runtime_checkable` `isinstance` check at registration.
///
/// ```swift
/// var registry = ComponentRegistry.builtIn
/// try registry.register("scale", role: .stage, parameters: [.required("factor", .number())]) { parameters in
///     ScaleStage(factor: try parameters.number("factor"))
/// }
/// ```
public struct ComponentRegistry: Sendable {
    /// The factories by name.
    public private(set) var factories: [String: ComponentFactory] = [:]

    /// Creates an empty registry.
    public init() {}

    /// Registers a factory under `name` for `role`.
    ///
    /// The factory must not open, allocate or start anything: the builder
    /// calls it only after the whole spec validated, but before the run, and
    /// drops the products if another factory fails. Acquire resources in the
    /// component's `open()`.
    ///
    /// - Parameters:
    ///   - name: The name specs use; letters, digits, `-`, `_` and `.`.
    ///   - role: The role the product is meant for.
    ///   - summary: One line of documentation.
    ///   - parameters: The parameters the factory accepts.
    ///   - productType: The product's concrete type; inferred from `make`.
    ///   - check: Finds the problems that span parameters (`min` above
    ///     `max`) or that the product's initializer would trap on, given
    ///     parameters of the declared types and ranges. Validation calls it,
    ///     so `validate` refuses what `build` would; `make` is only called
    ///     when it found nothing. Nothing by default.
    ///   - make: Creates the component from checked parameters. It may throw
    ///     ``ComponentParameterError``, but a problem found only here is
    ///     missed by ``PipelineBuilder/validate(_:)``: put it in `check`.
    /// - Throws: ``ComponentRegistrationError`` if the name is taken or
    ///   invalid, `Product` does not conform to the role's protocol, or a
    ///   parameter's declaration is inconsistent.
    /// - Complexity: O(*p*²) in the number of parameters.
    public mutating func register<Product: AnyObject>(
        _ name: String,
        role: ComponentRole,
        summary: String = "",
        parameters: [ParameterSpec] = [],
        productType: Product.Type = Product.self,
        check: @escaping @Sendable (ComponentParameters) -> [ComponentParameterError] = { _ in [] },
        make: @escaping @Sendable (ComponentParameters) throws -> Product
    ) throws(ComponentRegistrationError) {
        try register(
            name, role: role, summary: summary, parameters: parameters, productType: productType, check: check
        ) { parameters, _ in try make(parameters) }
    }

    /// Registers a factory under `name` for `role` whose `make` also receives the component's place in the pipeline.
    ///
    /// The ``ComponentContext`` carries the pipeline's ``Pipeline/changeLog``,
    /// the entry's name in the spec and its role, so a component with
    /// ``Audited`` attributes records them in the pipeline's log under its spec
    /// name, and the pipeline declares them (counters at 0) to metrics bridges:
    ///
    /// ```swift
    /// try registry.register("dedup", role: .stage) { parameters, context in
    ///     Deduplicator(auditContext: context.auditContext)
    /// }
    /// ```
    ///
    /// Everything else is as in
    /// ``register(_:role:summary:parameters:productType:check:make:)-(_,_,_,_,_,_,(ComponentParameters)->Product)``.
    ///
    /// - Parameters:
    ///   - name: The name specs use; letters, digits, `-`, `_` and `.`.
    ///   - role: The role the product is meant for.
    ///   - summary: One line of documentation.
    ///   - parameters: The parameters the factory accepts.
    ///   - productType: The product's concrete type; inferred from `make`.
    ///   - check: Finds the problems that span parameters; see the other overload.
    ///   - make: Creates the component from checked parameters and its context.
    /// - Throws: ``ComponentRegistrationError`` if the name is taken or
    ///   invalid, `Product` does not conform to the role's protocol, or a
    ///   parameter's declaration is inconsistent.
    /// - Complexity: O(*p*²) in the number of parameters.
    public mutating func register<Product: AnyObject>(
        _ name: String,
        role: ComponentRole,
        summary: String = "",
        parameters: [ParameterSpec] = [],
        productType: Product.Type = Product.self,
        check: @escaping @Sendable (ComponentParameters) -> [ComponentParameterError] = { _ in [] },
        make: @escaping @Sendable (ComponentParameters, ComponentContext) throws -> Product
    ) throws(ComponentRegistrationError) {
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)
        }
        guard !name.isEmpty, allowed else { throw .invalidName(name) }
        guard factories[name] == nil else { throw .duplicateName(name) }
        let typeName = String(describing: productType)
        guard role.isConformed(by: productType) else { throw .doesNotConform(name: name, typeName: typeName, role: role) }
        var seen: Set<String> = []
        for parameter in parameters {
            guard seen.insert(parameter.name).inserted else {
                throw .invalidParameter(name: name, parameter: parameter.name, problem: "is declared twice")
            }
            if let defaultValue = parameter.defaultValue, defaultValue != .null,
                case let .failure(mismatch) = parameter.kind.check(defaultValue)
            {
                throw .invalidParameter(name: name, parameter: parameter.name, problem: "has a default that \(mismatch)")
            }
        }
        factories[name] = ComponentFactory(
            name: name, role: role, typeName: typeName, parameters: parameters, summary: summary,
            conforms: { role in role.isConformed(by: productType) }, check: check,
            make: { parameters, context in try make(parameters, context) })
    }

    /// The factory registered as `name`, or `nil`.
    ///
    /// - Parameter name: A component name.
    /// - Returns: The factory, if registered.
    /// - Complexity: O(1).
    public func factory(named name: String) -> ComponentFactory? { factories[name] }

    /// The registered names for `role`, sorted.
    ///
    /// - Parameter role: A role.
    /// - Returns: The names of factories whose product conforms to the role's protocol.
    public func names(for role: ComponentRole) -> [String] {
        factories.values.filter { $0.productConforms(to: role) }.map(\.name).sorted()
    }
}

/// Where a component built from a spec entry sits: the pipeline's log, the entry's name and its role.
///
/// ``PipelineBuilder`` passes one to every factory whose `make` takes two
/// arguments (see ``ComponentRegistry``), so that a custom component's ``Audited`` attributes land in
/// ``Pipeline/changeLog`` under the component's spec name.
public struct ComponentContext: Sendable {
    /// The log of the pipeline being built; it becomes ``Pipeline/changeLog``.
    public let changeLog: ChangeLog
    /// The entry's name in the spec (its `name`, or the component name when the spec gives none).
    public let name: String
    /// The role the entry fills.
    public let role: ComponentRole

    /// Creates a context; ``PipelineBuilder`` makes them, tests may too.
    ///
    /// - Parameters:
    ///   - changeLog: The pipeline's log.
    ///   - name: The entry's name.
    ///   - role: The entry's role.
    public init(changeLog: ChangeLog, name: String, role: ComponentRole) {
        self.changeLog = changeLog
        self.name = name
        self.role = role
    }

    /// An ``AuditContext`` for this component: ``changeLog``, under ``name``.
    ///
    /// - Complexity: One name-table lookup.
    public var auditContext: AuditContext { AuditContext(log: changeLog, componentName: name) }
}
