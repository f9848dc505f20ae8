public import DenseRecordsCore
import DenseRecordsArena
import DenseRecordsAudit
import DenseRecordsArrow
import DenseRecordsSnapshot
import InternalDenseRecordsUtilities
/// A stage that drops records with non-finite values, values out of range, or units not allowed.
///
/// Each dropped record is counted under the first rule it breaks, in this
/// order: `non-finite value`, `unknown unit`, `unit not allowed`,
/// `value below minimum`, `value above maximum`. The survivors keep their
/// order; the batch is compacted in place.
public final class RecordFilterStage: RecordStage {
    /// The smallest value kept, or `nil`.
    public let minimum: Double?
    /// The largest value kept, or `nil`.
    public let maximum: Double?
    /// Whether NaN and infinities are dropped.
    public let requireFinite: Bool
    /// Whether units this version does not know are dropped.
    public let requireKnownUnit: Bool
    /// The units kept, or `nil` for any.
    public let allowedUnits: Set<SensorUnit>?

    /// The reasons this stage uses, as they appear in summaries.
    public enum Reason {
        /// NaN or an infinity.
        public static let nonFinite = "non-finite value"
        /// A unit code this version does not know.
        public static let unknownUnit = "unknown unit"
        /// A known unit outside `allowedUnits`.
        public static let unitNotAllowed = "unit not allowed"
        /// Below `minimum`.
        public static let belowMinimum = "value below minimum"
        /// Above `maximum`.
        public static let aboveMaximum = "value above maximum"
    }

    /// Creates the stage.
    ///
    /// - Parameters:
    ///   - minimum: The smallest value kept, or `nil`.
    ///   - maximum: The largest value kept, or `nil`; not below `minimum`.
    ///   - requireFinite: Whether to drop NaN and infinities.
    ///   - requireKnownUnit: Whether to drop unknown unit codes.
    ///   - allowedUnits: The units kept, or `nil` for any.
    /// - Precondition: `minimum` is not above `maximum`, and neither is NaN;
    ///   the process traps with a message otherwise.
    /// - Complexity: O(1).
    public init(
        minimum: Double? = nil, maximum: Double? = nil, requireFinite: Bool = true, requireKnownUnit: Bool = true,
        allowedUnits: Set<SensorUnit>? = nil
    ) {
        require(minimum.map { !$0.isNaN } ?? true, "RecordFilterStage: minimum must not be NaN")
        require(maximum.map { !$0.isNaN } ?? true, "RecordFilterStage: maximum must not be NaN")
        if let minimum, let maximum {
            require(minimum <= maximum, "RecordFilterStage: minimum (\(minimum)) must not exceed maximum (\(maximum))")
        }
        self.minimum = minimum
        self.maximum = maximum
        self.requireFinite = requireFinite
        self.requireKnownUnit = requireKnownUnit
        self.allowedUnits = allowedUnits
    }

    /// The reason `record` is dropped, or `nil` if it is kept.
    ///
    /// - Parameter record: A record.
    /// - Returns: One of the ``Reason`` strings, or `nil`.
    public func rejectionReason(for record: SensorRecord) -> String? {
        if requireFinite, !record.value.isFinite { return Reason.nonFinite }
        if requireKnownUnit, !record.unit.isKnown { return Reason.unknownUnit }
        if let allowedUnits, !allowedUnits.contains(record.unit) { return Reason.unitNotAllowed }
        if let minimum, record.value < minimum { return Reason.belowMinimum }
        if let maximum, record.value > maximum { return Reason.aboveMaximum }
        return nil
    }

    /// Drops the records that break a rule, counting each under its reason.
    ///
    /// - Parameters:
    ///   - batch: The records; compacted in place.
    ///   - report: Receives one rejection per dropped record.
    /// - Returns: ``StageProgress/done``.
    /// - Complexity: O(*n*); allocates nothing.
    public func process(_ batch: inout RecordBatch, report: inout StageReport) async throws -> StageProgress {
        var nonFinite = 0, unknownUnit = 0, notAllowed = 0, below = 0, above = 0
        batch.removeAll { record in
            switch rejectionReason(for: record) {
            case nil: return false
            case Reason.nonFinite?: nonFinite += 1
            case Reason.unknownUnit?: unknownUnit += 1
            case Reason.unitNotAllowed?: notAllowed += 1
            case Reason.belowMinimum?: below += 1
            default: above += 1
            }
            return true
        }
        report.reject(nonFinite, reason: Reason.nonFinite)
        report.reject(unknownUnit, reason: Reason.unknownUnit)
        report.reject(notAllowed, reason: Reason.unitNotAllowed)
        report.reject(below, reason: Reason.belowMinimum)
        report.reject(above, reason: Reason.aboveMaximum)
        return .done
    }
}
