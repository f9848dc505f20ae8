/// The records a row stores.
///
/// ``report`` rows build the report's own deterministic records in each child
/// (``RecordSource``). The other datasets are written once per run by the parent
/// as a file of packed 21-byte records (``DatasetFiles``), which every child,
/// Swift or Python, reads before its baseline.
enum Dataset: String, CaseIterable, Codable, Sendable {
    /// The report's deterministic records, built in each child.
    case report
    /// `dense-records generate`'s defaults (``SyntheticRecordSource``), at the report's sizes.
    case generator
    /// Real hourly weather-station readings: `tmy3-long.csv` from `tmy3-long.sh`, one size (the whole file).
    case tmy3Long = "tmy3-long"

    /// What the dataset is, for the report's tables.
    var summary: String {
        switch self {
        case .report:
            "the report's deterministic records: 1,000 sensors cycling, one record per millisecond, "
                + "a drifting value with bounded noise (three decimals), unit codes 1–8"
        case .generator:
            "`dense-records generate` defaults (`SyntheticRecordSource`): \(DatasetFiles.generatorParameters), "
                + "random-walk values with two decimals, in time order"
        case .tmy3Long:
            "real hourly weather-station readings (NREL TMY3 via pvlib; `tmy3-long.sh`), "
                + "values with the file's decimals, in time order"
        }
    }

    /// Whether the dataset is read from a file of packed records.
    var isFile: Bool { self != .report }
}
