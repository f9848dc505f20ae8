import InternalDenseRecordsUtilities
/// The log's name table: component and attribute names and their interned ids.
///
/// Ids are indices into the arrays, so resolving an id is an array read.
struct NameTable {
    var components: [String] = []
    var componentIDs: [String: UInt32] = [:]
    var attributes: [String] = []
    var attributeIDs: [String: UInt32] = [:]
    /// The attributes declared with ``ChangeLog/declareAttributes(of:)``, in declaration order.
    var declarations: [AttributeDeclaration] = []
    /// The keys of `declarations`, so a component declared twice adds nothing.
    var declared: Set<AttributeDeclaration.Key> = []
    /// The metrics bridges attached, by subscription token: each hears of later declarations.
    var metricsReporters: [UInt64: MetricsReporter] = [:]

    static func intern(_ name: String, into names: inout [String], index: inout [String: UInt32]) -> UInt32 {
        if let id = index[name] { return id }
        precondition(names.count < Int(UInt32.max), "ChangeLog name table is full")
        let id = UInt32(names.count)
        names.append(name)
        index[name] = id
        return id
    }

    func name(_ id: UInt32, in names: [String]) -> String? {
        Int(id) < names.count ? names[Int(id)] : nil
    }
}

extension ChangeLog {
    /// Interns a component's name and returns its id; the same name always gets the same id.
    ///
    /// Components that register the same name share an id, and their events
    /// cannot be told apart: give each stage its own name.
    ///
    /// - Parameter name: The component's name, as queries and exports show it.
    /// - Returns: The name's id in this log.
    /// - Complexity: One hash lookup, and an insertion for a new name.
    public func registerComponent(named name: String) -> ComponentID {
        names.withLock { table in
            ComponentID(rawValue: NameTable.intern(name, into: &table.components, index: &table.componentIDs))
        }
    }

    /// Interns an attribute's name and returns its id; the same name always gets the same id.
    ///
    /// ``Audited`` calls this once per attribute and component instance, on the
    /// attribute's first recorded change.
    ///
    /// - Parameter name: The attribute's name, such as `errorCount`.
    /// - Returns: The name's id in this log.
    /// - Complexity: One hash lookup, and an insertion for a new name.
    public func registerAttribute(named name: String) -> AttributeID {
        names.withLock { table in
            AttributeID(rawValue: NameTable.intern(name, into: &table.attributes, index: &table.attributeIDs))
        }
    }

    /// The id of a registered component name, or `nil` if no component has registered it.
    ///
    /// - Parameter name: The component's name.
    /// - Returns: The id, or `nil`.
    /// - Complexity: One hash lookup.
    public func componentID(named name: String) -> ComponentID? {
        names.withLock { table in table.componentIDs[name].map(ComponentID.init(rawValue:)) }
    }

    /// The id of a registered attribute name, or `nil` if no attribute of that name has changed yet.
    ///
    /// - Parameter name: The attribute's name.
    /// - Returns: The id, or `nil`.
    /// - Complexity: One hash lookup.
    public func attributeID(named name: String) -> AttributeID? {
        names.withLock { table in table.attributeIDs[name].map(AttributeID.init(rawValue:)) }
    }

    /// The name behind a component id, or `nil` if this log did not issue it.
    ///
    /// - Parameter id: A component id from this log.
    /// - Returns: The name, or `nil`.
    /// - Complexity: O(1).
    public func componentName(_ id: ComponentID) -> String? {
        names.withLock { table in table.name(id.rawValue, in: table.components) }
    }

    /// The name behind an attribute id, or `nil` if this log did not issue it.
    ///
    /// - Parameter id: An attribute id from this log.
    /// - Returns: The name, or `nil`.
    /// - Complexity: O(1).
    public func attributeName(_ id: AttributeID) -> String? {
        names.withLock { table in table.name(id.rawValue, in: table.attributes) }
    }

    /// Both names of an event's attribute, for bridges and exports.
    ///
    /// Takes the name lock once; callers may hold the delivery lock (the
    /// bridges' subscribers do) or the ring lock, which are always taken before
    /// the name lock and never after it.
    func names(of component: ComponentID, _ attribute: AttributeID) -> (component: String, attribute: String) {
        names.withLock { table in
            (table.name(component.rawValue, in: table.components) ?? "#\(component.rawValue)",
             table.name(attribute.rawValue, in: table.attributes) ?? "#\(attribute.rawValue)")
        }
    }

    /// A copy of the name table, for exports that resolve many ids.
    func nameSnapshot() -> (components: [String], attributes: [String]) {
        names.withLock { table in (table.components, table.attributes) }
    }
}
