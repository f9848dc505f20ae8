import ArgumentParser
import DenseRecords

/// `dense-records components`: what a spec can name.
struct ComponentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "components",
        abstract: "List the registered components, their roles and parameters."
    )

    func run() {
        let registry = ComponentRegistry.builtIn
        for role in ComponentRole.allCases {
            print("\(role)s (\(role.protocolName)):")
            for name in registry.names(for: role) {
                guard let factory = registry.factory(named: name), factory.role == role else { continue }
                print("  \(name) — \(factory.typeName): \(factory.summary)")
                for parameter in factory.parameters {
                    let presence = parameter.defaultValue.map { $0 == .null ? "optional" : "default \(render($0))" } ?? "required"
                    print("      \(parameter.name): \(parameter.kind), \(presence) — \(parameter.summary)")
                }
            }
        }
    }

    private func render(_ value: JSONValue) -> String {
        switch value {
        case let .string(string): "\"\(string)\""
        case let .integer(integer): "\(integer)"
        case let .number(number): "\(number)"
        case let .bool(bool): "\(bool)"
        case let .array(values): "[" + values.map(render).joined(separator: ", ") + "]"
        default: value.description
        }
    }
}
