import DenseRecordsCore

/// The schema ``ParquetWriter`` writes, and the statistics of its `unit` column.
enum ParquetSchema {
    /// The footer's `created_by`, in the `NAME version VERSION` form readers parse.
    static let createdBy = "dense-records version 1.0.0"

    /// The four leaf columns, in order.
    static func columns(unitEncoding: ParquetUnitEncoding) -> [ParquetFormat.Column] {
        [
            .init(name: "sensor_id", type: .int32, convertedType: .uint32, logicalType: .integer(bitWidth: 32, isSigned: false)),
            .init(name: "timestamp", type: .int64, convertedType: nil, logicalType: .timestampNanosUTC),
            .init(name: "value", type: .double, convertedType: nil, logicalType: nil),
            unitEncoding == .dictionary
                ? .init(name: "unit", type: .byteArray, convertedType: .utf8, logicalType: .string)
                : .init(name: "unit", type: .int32, convertedType: .uint8, logicalType: .integer(bitWidth: 8, isSigned: false)),
        ]
    }

    /// The `unit` chunk's bounds (bytewise names, or unsigned codes) and distinct count.
    ///
    /// - Parameters:
    ///   - codes: The codes present, ascending.
    ///   - encoding: How the column is typed.
    static func unitStatistics(_ codes: [UInt8], encoding: ParquetUnitEncoding) -> ParquetFormat.Statistics {
        guard let first = codes.first, let last = codes.last else { return .init() }
        var statistics = ParquetFormat.Statistics()
        statistics.distinctCount = Int64(codes.count)
        if encoding == .code {
            statistics.minimum = ParquetStatistics.bytes(Int32(first))
            statistics.maximum = ParquetStatistics.bytes(Int32(last))
        } else {
            // Swift compares String by Unicode scalars; for these ASCII names that is bytewise.
            let names = codes.map { Array(SensorUnit(rawValue: $0).name.utf8) }
            statistics.minimum = names.min { $0.lexicographicallyPrecedes($1) }
            statistics.maximum = names.max { $0.lexicographicallyPrecedes($1) }
        }
        return statistics
    }
}
