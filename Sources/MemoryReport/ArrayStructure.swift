import DenseRecords

/// What an array-backed layout states about itself: how it builds one element
/// from a packed record, and (as a ``ValuedRecord``) where it keeps its value.
///
/// ``ArrayStructure`` holds the loops every array-backed layout runs, so a
/// layout differs from the others only in its element type.
protocol ArrayElement: ValuedRecord {
    /// The element for one packed record.
    ///
    /// - Parameter packed: The record to convert.
    init(packed: sensor_record_t)
}

/// `array-packed` and `array-packed-bulk`: the packed C struct itself, stride 21.
extension sensor_record_t: ArrayElement {
    @inline(__always) init(packed: sensor_record_t) { self = packed }
}

/// `array-struct`: the four fields in their natural order: 4 + 4 (padding) + 8 + 8 + 1 bytes, stride 32.
struct NaturalOrderRecord: ArrayElement {
    var sensorID: UInt32
    var timestampNanoseconds: Int64
    var value: Double
    var unit: UInt8

    @inline(__always) init(packed: sensor_record_t) {
        sensorID = packed.sensor_id
        timestampNanoseconds = packed.timestamp_ns
        value = packed.value
        unit = packed.unit
    }
}

/// `array-struct-reordered`: the same fields, widest first: 8 + 8 + 4 + 1 bytes, stride 24.
struct ReorderedRecord: ArrayElement {
    var timestampNanoseconds: Int64
    var value: Double
    var sensorID: UInt32
    var unit: UInt8

    @inline(__always) init(packed: sensor_record_t) {
        timestampNanoseconds = packed.timestamp_ns
        value = packed.value
        sensorID = packed.sensor_id
        unit = packed.unit
    }
}

/// Every `array-*` row: an `[Element]`, filled one `append` at a time as a user
/// would, without reserving.
///
/// Callers must name `Element` concretely, as ``CaseRunner`` does: the
/// optimiser then specialises these loops for it. Called through
/// `any MeasuredStructure`, they would run unspecialised generic code.
///
/// It is a struct, not a class, so that creating one creates no type metadata.
/// A generic class's metadata would create its element's before the allocator
/// baseline is read: 208 B that the `array-dictionary` row has always counted
/// in its ingest, because the runtime creates `Dictionary<String, Any>`'s then.
struct ArrayStructure<Element: ArrayElement>: MeasuredStructure {
    private var storage: [Element] = []
    private let bulk: Bool

    /// - Parameter bulk: Ingest with one `append(contentsOf:)` of the packed
    ///   records instead of one `append` per record; only for `sensor_record_t`.
    init(bulk: Bool = false) {
        precondition(!bulk || Element.self == sensor_record_t.self, "only [sensor_record_t] ingests in bulk")
        self.bulk = bulk
    }

    mutating func ingest(_ source: UnsafeBufferPointer<sensor_record_t>) throws {
        var local: [Element] = []
        if bulk {
            // `init` admits `bulk` only for `sensor_record_t`, so the cast holds;
            // specialised for that type, it is compiled away.
            local.append(contentsOf: source as! UnsafeBufferPointer<Element>)
        } else {
            for record in source { local.append(Element(packed: record)) }
        }
        storage = local
    }

    /// The array's scan path is its iteration.
    func sumOfValues() -> Double { storage.sumOfValuesByIteration() }

    func sumOfValues(at indices: [Int]) -> Double { storage.sumOfValues(at: indices) }

    /// Drops the array: its buffer goes back to `malloc` (jemalloc), and
    /// objects and dictionaries are freed one by one.
    mutating func release() { storage = [] }
}
