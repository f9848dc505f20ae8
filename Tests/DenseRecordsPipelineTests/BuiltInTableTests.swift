import DenseRecordsPipeline
import DenseRecordsTestSupport
import Foundation
import Testing

@Suite("The builtIn table in ComponentRegistry's documentation")
struct BuiltInTableTests {
    /// The rows `| `name` | role | type | parameters |` of the table in the `builtIn` doc comment.
    static func documentedRows() throws -> [(name: String, role: String, parameters: String)] {
        let file = repositoryRoot.appendingPathComponent("Sources/DenseRecordsPipeline/ComponentRegistry+BuiltIns.swift")
        let text = try String(contentsOf: file, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("/// | `") else { return nil }
            let cells = trimmed.dropFirst(4).split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { return nil }
            return (String(cells[0].filter { $0 != "`" }), cells[1], cells[3])
        }
    }

    @Test("Every built-in component has a row with its role, and every row names a built-in component")
    func everyComponentIsListed() throws {
        let rows = try Self.documentedRows()
        let registry = ComponentRegistry.builtIn
        var registered: [String: String] = [:]
        for role in ComponentRole.allCases {
            for name in registry.names(for: role) { registered[name] = registry.factory(named: name)?.role.rawValue }
        }
        #expect(registered.count >= 10)
        #expect(Dictionary(rows.map { ($0.name, $0.role) }, uniquingKeysWith: { first, _ in first }) == registered)
        #expect(Set(rows.map(\.name)).count == rows.count, "a component is listed twice")
    }

    @Test("Every parameter of a built-in component is named in its row")
    func everyParameterIsListed() throws {
        let registry = ComponentRegistry.builtIn
        for row in try Self.documentedRows() {
            let factory = try #require(registry.factory(named: row.name), "\(row.name) is not registered")
            for parameter in factory.parameters {
                #expect(row.parameters.contains("`\(parameter.name)`"), "\(row.name): parameter \(parameter.name) is not listed")
            }
        }
    }
}
