import DenseRecords

/// The four fields in their natural order: 4 + 4 (padding) + 8 + 8 + 1 bytes, stride 32.
struct NaturalOrderRecord {
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

/// The same fields, widest first: 8 + 8 + 4 + 1 bytes, stride 24.
struct ReorderedRecord {
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

/// The loops every array-backed structure runs, written once.
///
/// Each is `@inline(__always)` so that it is specialised for the concrete
/// element type inside each concrete structure: the structures are used
/// through an existential, and a generic class would run unspecialised code.
enum ArrayLoops {
    /// An array built by appending one converted record at a time, without reserving.
    @inline(__always)
    static func filled<Element>(
        from source: UnsafeBufferPointer<sensor_record_t>, _ convert: (sensor_record_t) -> Element
    ) -> [Element] {
        var result: [Element] = []
        for record in source { result.append(convert(record)) }
        return result
    }

    /// The sum of `value(element)` over every element, in order.
    @inline(__always)
    static func sum<Element>(_ elements: [Element], _ value: (Element) -> Double) -> Double {
        var sum = 0.0
        for element in elements { sum += value(element) }
        return sum
    }

    /// The sum of `value(elements[index])` over `indices`, in order.
    @inline(__always)
    static func sum<Element>(_ elements: [Element], at indices: [Int], _ value: (Element) -> Double) -> Double {
        var sum = 0.0
        for index in indices { sum += value(elements[index]) }
        return sum
    }
}

/// `array-packed` and `array-packed-bulk`: `[sensor_record_t]`.
final class PackedArrayStructure: MeasuredStructure {
    private var storage: [sensor_record_t] = []
    private let bulk: Bool

    /// - Parameter bulk: Ingest with one `append(contentsOf:)` instead of one `append` per record.
    init(bulk: Bool) { self.bulk = bulk }

    func ingest(_ source: UnsafeBufferPointer<sensor_record_t>) throws {
        if bulk {
            var local: [sensor_record_t] = []
            local.append(contentsOf: source)
            storage = local
        } else {
            storage = ArrayLoops.filled(from: source) { $0 }
        }
    }

    func sumOfValues() -> Double { ArrayLoops.sum(storage) { $0.value } }
    func sumOfValues(at indices: [Int]) -> Double { ArrayLoops.sum(storage, at: indices) { $0.value } }

    /// Drops the array; its buffer goes back to `malloc` (jemalloc).
    func release() { storage = [] }
}

/// `array-struct`: `[NaturalOrderRecord]`, stride 32.
final class NaturalOrderArrayStructure: MeasuredStructure {
    private var storage: [NaturalOrderRecord] = []

    func ingest(_ source: UnsafeBufferPointer<sensor_record_t>) throws {
        storage = ArrayLoops.filled(from: source) { NaturalOrderRecord(packed: $0) }
    }

    func sumOfValues() -> Double { ArrayLoops.sum(storage) { $0.value } }
    func sumOfValues(at indices: [Int]) -> Double { ArrayLoops.sum(storage, at: indices) { $0.value } }

    /// Drops the array; its buffer goes back to `malloc` (jemalloc).
    func release() { storage = [] }
}

/// `array-struct-reordered`: `[ReorderedRecord]`, stride 24.
final class ReorderedArrayStructure: MeasuredStructure {
    private var storage: [ReorderedRecord] = []

    func ingest(_ source: UnsafeBufferPointer<sensor_record_t>) throws {
        storage = ArrayLoops.filled(from: source) { ReorderedRecord(packed: $0) }
    }

    func sumOfValues() -> Double { ArrayLoops.sum(storage) { $0.value } }
    func sumOfValues(at indices: [Int]) -> Double { ArrayLoops.sum(storage, at: indices) { $0.value } }

    /// Drops the array; its buffer goes back to `malloc` (jemalloc).
    func release() { storage = [] }
}
