import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
/// One problem found in a pipeline spec, located precisely enough to fix without searching.
///
/// ```text
/// stages[1].parameters.max: stage "validate" (RecordFilterStage): parameter "max" expects a number, found string "high"
/// ```
public struct PipelineSpecIssue: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Where in the spec, as a path: `source`, `stages[1].component`, `stages[1].parameters.max`.
    public var location: String
    /// The role the entry fills, when the problem is in a component entry.
    public var role: ComponentRole?
    /// The component name the entry asks for, when there is one.
    public var component: String?
    /// The concrete type the factory produces, when the component is registered.
    public var typeName: String?
    /// The protocol (`RecordStage`) or parameter (`max`) at fault, when there is one.
    public var requirement: String?
    /// What is wrong.
    public var message: String

    /// Creates an issue.
    ///
    /// - Parameters:
    ///   - location: The spec path.
    ///   - role: The entry's role, if any.
    ///   - component: The component name, if any.
    ///   - typeName: The product type's name, if known.
    ///   - requirement: The protocol or parameter at fault, if any.
    ///   - message: What is wrong.
    public init(
        location: String, role: ComponentRole? = nil, component: String? = nil, typeName: String? = nil,
        requirement: String? = nil, message: String
    ) {
        self.location = location
        self.role = role
        self.component = component
        self.typeName = typeName
        self.requirement = requirement
        self.message = message
    }

    /// `location: role "component" (Type): message`.
    public var description: String {
        var subject = ""
        if let role, let component {
            subject = "\(role) \"\(component)\""
            if let typeName { subject += " (\(typeName))" }
            subject += ": "
        }
        return "\(location): \(subject)\(message)"
    }
}

/// Every problem found in a pipeline spec. Nothing was opened, allocated or started.
public struct PipelineSpecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The problems, in spec order; never empty.
    public var issues: [PipelineSpecIssue]

    /// Creates the error.
    ///
    /// - Parameter issues: The problems; must not be empty.
    /// - Precondition: `issues` is not empty; the process traps with a message otherwise.
    /// - Complexity: O(1).
    public init(issues: [PipelineSpecIssue]) {
        require(!issues.isEmpty, "PipelineSpecError needs at least one issue")
        self.issues = issues
    }

    /// A count line followed by one line per issue.
    public var description: String {
        let header = issues.count == 1 ? "the pipeline spec has 1 problem:" : "the pipeline spec has \(issues.count) problems:"
        return ([header] + issues.map { "  \($0)" }).joined(separator: "\n")
    }
}
