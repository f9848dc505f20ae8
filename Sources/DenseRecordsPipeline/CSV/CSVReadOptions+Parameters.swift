import DenseRecordsCore

extension CSVReadOptions {
    /// The `csv-reader` parameters that set the dialect, as the spec and the CLI's `CSVInputOptions` name them.
    static let parameterSpecs: [ParameterSpec] = [
        .optional("delimiter", .choice(CSVDelimiter.allCases.map(\.name)), default: .string(","), "field separator: \",\", \";\" or \"tab\""),
        .optional("sensorColumn", .string, default: .string("sensor_id"), "header name of the sensor id column"),
        .optional("timestampColumn", .string, default: .string("timestamp"), "header name of the timestamp column"),
        .optional("valueColumn", .string, default: .string("value"), "header name of the value column"),
        .optional("unitColumn", .string, default: .string("unit"), "header name of the unit column"),
        .optional("unit", .string, default: .null,
            "unit of every record when the header has no unit column: a unit name or alias (hPa scales by 100)"),
        .optional("timestampFormat", .choice(CSVTimestampFormat.allCases.map(\.rawValue)), default: .null,
            "ns, us, ms, s (integer or fractional epoch) or rfc3339; absent: ns, refusing a first batch all before 1971"),
        .optional("onMissingValue", .choice(CSVMissingValuePolicy.allCases.map(\.rawValue)), default: .string("skip"),
            "an empty value: skip and count as missing, or read as NaN"),
        .optional("onUnknownUnit", .choice(CSVUnknownUnitPolicy.allCases.map(\.rawValue)), default: .string("fail"),
            "an unknown unit: a malformed line (fail), skip and count, or keep as unknown"),
    ]

    /// The problems with dialect parameters that their kinds cannot express (an unknown `unit`).
    static func parameterProblems(_ parameters: ComponentParameters) -> [ComponentParameterError] {
        guard case let .string(name)? = parameters.values["unit"] else { return [] }
        guard CSVUnitAlias.lookUp(name) == nil else { return [] }
        return [ComponentParameterError(
            parameter: "unit", message: "(\"\(name)\") is not a unit name (celsius, …), an alias (°C, hPa, …) or code-N")]
    }

    /// The dialect the checked `csv-reader` parameters describe.
    ///
    /// - Parameter parameters: Checked parameters, defaults filled in.
    /// - Throws: ``ComponentParameterError`` for a parameter of the wrong type or an unknown unit.
    init(parameters: ComponentParameters) throws(ComponentParameterError) {
        self.init()
        delimiter = CSVDelimiter(name: try parameters.string("delimiter")) ?? .comma
        sensorColumn = try parameters.string("sensorColumn")
        timestampColumn = try parameters.string("timestampColumn")
        valueColumn = try parameters.string("valueColumn")
        unitColumn = try parameters.string("unitColumn")
        if case let .string(name)? = parameters.values["unit"] {
            guard let alias = CSVUnitAlias.lookUp(name) else {
                throw ComponentParameterError(parameter: "unit", message: "(\"\(name)\") is not a unit name, alias or code-N")
            }
            unit = alias.unit
            unitFactor = alias.factor
        }
        if case let .string(format)? = parameters.values["timestampFormat"] {
            timestampFormat = CSVTimestampFormat(rawValue: format)
        }
        onMissingValue = CSVMissingValuePolicy(rawValue: try parameters.string("onMissingValue")) ?? .skip
        onUnknownUnit = CSVUnknownUnitPolicy(rawValue: try parameters.string("onUnknownUnit")) ?? .fail
    }
}

extension CSVReadOptions {
    /// The dialect that spec-style `csv-reader` parameter values describe, checked as a spec's are;
    /// keys that are not dialect parameters (`path`, `onMalformedLine`, …) are ignored.
    ///
    /// The CLI's CSV options use it, so that a command line and a spec accept the same values.
    ///
    /// - Parameter values: Parameter values by name; absent ones take their defaults.
    /// - Throws: ``ComponentParameterError`` for the first value that does not fit.
    package init(checking values: [String: JSONValue]) throws(ComponentParameterError) {
        var checked: [String: JSONValue] = [:]
        for declaration in Self.parameterSpecs {
            guard let value = values[declaration.name], value != .null else {
                checked[declaration.name] = declaration.defaultValue
                continue
            }
            switch declaration.kind.check(value) {
            case let .success(normalised): checked[declaration.name] = normalised
            case let .failure(mismatch): throw ComponentParameterError(parameter: declaration.name, message: "\(mismatch)")
            }
        }
        let parameters = ComponentParameters(checked)
        if let problem = Self.parameterProblems(parameters).first { throw problem }
        try self.init(parameters: parameters)
    }
}
