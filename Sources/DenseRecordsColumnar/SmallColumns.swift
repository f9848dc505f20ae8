// The sensor id and unit columns: run-length, or for units a bit-packed dictionary.
//
// Sensor section: UInt32 run count r, UInt32 reserved, r UInt32 sensor ids,
// r UInt32 run ends (exclusive record positions, increasing, the last == count),
// padded to 8 bytes.
//
// Unit section: UInt8 kind (1 runs, 2 dictionary), UInt8 width (dictionary),
// UInt16 reserved, UInt32 r (runs or dictionary codes), then
//   runs: r UInt8 codes padded to 4 bytes, r UInt32 run ends, padded to 8 bytes;
//   dictionary: r UInt8 codes padded to 8 bytes, then each record's code index
//   bit-packed at the width.

/// The unit encodings.
enum UnitEncoding: UInt8 {
    /// One code per run of equal codes.
    case runs = 1
    /// A dictionary of the codes present, and a bit-packed index per record.
    case dictionary = 2
}

/// Sensor id runs.
enum SensorColumn {
    /// The section's size for `runs` runs.
    static func byteCount(runs: Int) -> Int { alignedTo8(8 + 8 * runs) }

    /// The number of runs in `ids`.
    static func runCount(_ ids: UnsafeBufferPointer<UInt32>) -> Int {
        guard var previous = ids.first else { return 0 }
        var runs = 1
        for id in ids where id != previous {
            runs += 1
            previous = id
        }
        return runs
    }

    /// Writes the section for `ids`, which have `runs` runs.
    static func write(_ ids: UnsafeBufferPointer<UInt32>, runs: Int, to out: UnsafeMutableRawPointer) {
        out.storeBytes(of: UInt32(runs), as: UInt32.self)
        let idsOut = out + 8
        let endsOut = out + 8 + 4 * runs
        var run = 0
        for i in 0..<ids.count where i + 1 == ids.count || ids[i + 1] != ids[i] {
            idsOut.storeBytes(of: ids[i], toByteOffset: 4 * run, as: UInt32.self)
            endsOut.storeBytes(of: UInt32(i + 1), toByteOffset: 4 * run, as: UInt32.self)
            run += 1
        }
    }

    /// Checks a section of `byteCount` bytes for `count` records.
    static func validate(_ section: UnsafeRawPointer, byteCount: Int, count: Int) -> String? {
        guard byteCount >= 8 else { return "sensor column shorter than its header" }
        let runs = Int(section.load(as: UInt32.self))
        guard runs <= count, byteCount == Self.byteCount(runs: runs) else { return "sensor column of \(byteCount) bytes for \(runs) runs" }
        var previous = 0
        for r in 0..<runs {
            let end = Int(section.load(fromByteOffset: 8 + 4 * runs + 4 * r, as: UInt32.self))
            guard end > previous, end <= count else { return "sensor run end \(end) out of order or range" }
            previous = end
        }
        guard previous == count else { return "sensor runs cover \(previous) of \(count) records" }
        return nil
    }
}

/// A sensor id column read in place.
struct SensorColumnReader {
    let runs: Int
    let ids: UnsafeRawPointer
    let ends: UnsafeRawPointer

    init(_ section: UnsafeRawPointer) {
        runs = Int(section.load(as: UInt32.self))
        ids = section + 8
        ends = section + 8 + 4 * runs
    }

    /// The run end (exclusive) of run `r`.
    @inline(__always)
    func end(ofRun r: Int) -> Int { Int(ends.load(fromByteOffset: 4 * r, as: UInt32.self)) }

    /// The sensor id of run `r`.
    @inline(__always)
    func id(ofRun r: Int) -> UInt32 { ids.load(fromByteOffset: 4 * r, as: UInt32.self) }

    /// The run holding record `i`.
    @inline(__always)
    func run(containing i: Int) -> Int {
        var low = 0
        var high = runs - 1
        while low < high {
            let mid = (low + high) / 2
            if end(ofRun: mid) <= i { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// Record `i`'s sensor id.
    @inline(__always)
    func value(at i: Int) -> UInt32 { id(ofRun: run(containing: i)) }

    /// Decodes every id into `out`.
    func decode(into out: UnsafeMutablePointer<UInt32>) {
        var start = 0
        for r in 0..<runs {
            let end = end(ofRun: r)
            out.advanced(by: start).update(repeating: id(ofRun: r), count: end - start)
            start = end
        }
    }
}

/// The plan for a unit column.
struct UnitColumnPlan {
    var encoding: UnitEncoding
    var runs: Int
    var codes: [UInt8]
    var width: Int
    var count: Int

    var byteCount: Int {
        switch encoding {
        case .runs: return alignedTo8(8 + alignedTo4(runs) + 4 * runs)
        case .dictionary: return 8 + alignedTo8(codes.count) + BitPacking.byteCount(count: count, width: width)
        }
    }

    /// Chooses the encoding of `units`, whose smallest and largest code are
    /// `codeRange` (a zone map has them): one code throughout, the common block,
    /// is one run without a pass over the units.
    init(planning units: UnsafeBufferPointer<UInt8>, codeRange range: ClosedRange<UInt8>) {
        count = units.count
        if !units.isEmpty, range.lowerBound == range.upperBound {
            runs = 1
            codes = [range.lowerBound]
            width = 0
            encoding = .runs
            return
        }
        var present = [Bool](repeating: false, count: 256)
        var runs = 0
        var previous: Int = -1
        for unit in units {
            present[Int(unit)] = true
            if Int(unit) != previous { runs += 1; previous = Int(unit) }
        }
        self.runs = runs
        codes = (0..<256).filter { present[$0] }.map { UInt8($0) }
        width = BitPacking.bitWidth(UInt64(Swift.max(codes.count, 1) - 1))
        encoding = .runs
        let runBytes = byteCount
        encoding = .dictionary
        if runBytes <= byteCount { encoding = .runs }
    }

    func write(_ units: UnsafeBufferPointer<UInt8>, to out: UnsafeMutableRawPointer) {
        out.storeBytes(of: encoding.rawValue, as: UInt8.self)
        out.storeBytes(of: UInt8(width), toByteOffset: 1, as: UInt8.self)
        switch encoding {
        case .runs:
            out.storeBytes(of: UInt32(runs), toByteOffset: 4, as: UInt32.self)
            let codesOut = out + 8
            let endsOut = out + 8 + alignedTo4(runs)
            if runs == 1, let first = units.first {
                codesOut.storeBytes(of: first, as: UInt8.self)
                endsOut.storeBytes(of: UInt32(units.count), as: UInt32.self)
                return
            }
            var run = 0
            for i in 0..<units.count where i + 1 == units.count || units[i + 1] != units[i] {
                codesOut.storeBytes(of: units[i], toByteOffset: run, as: UInt8.self)
                endsOut.storeBytes(of: UInt32(i + 1), toByteOffset: 4 * run, as: UInt32.self)
                run += 1
            }
        case .dictionary:
            out.storeBytes(of: UInt32(codes.count), toByteOffset: 4, as: UInt32.self)
            var indexOf = [UInt8](repeating: 0, count: 256)
            for (index, code) in codes.enumerated() {
                out.storeBytes(of: code, toByteOffset: 8 + index, as: UInt8.self)
                indexOf[Int(code)] = UInt8(index)
            }
            let writer = BitWriter(base: out + 8 + alignedTo8(codes.count), width: width)
            for i in 0..<units.count { writer.store(UInt64(indexOf[Int(units[i])]), at: i) }
        }
    }
}

/// Rounds `n` up to a multiple of 4.
@inline(__always)
func alignedTo4(_ n: Int) -> Int { (n + 3) & ~3 }

/// A unit column read in place.
struct UnitColumnReader {
    let encoding: UnitEncoding
    let entries: Int
    let codes: UnsafeRawPointer
    let ends: UnsafeRawPointer
    let indices: BitReader

    init(_ section: UnsafeRawPointer) {
        encoding = UnitEncoding(rawValue: section.load(as: UInt8.self)) ?? .runs
        entries = Int(section.load(fromByteOffset: 4, as: UInt32.self))
        codes = section + 8
        ends = section + 8 + alignedTo4(entries)
        indices = BitReader(
            base: section + 8 + alignedTo8(entries), width: Int(section.load(fromByteOffset: 1, as: UInt8.self)))
    }

    static func validate(_ section: UnsafeRawPointer, byteCount: Int, count: Int) -> String? {
        guard byteCount >= 8 else { return "unit column shorter than its header" }
        guard let encoding = UnitEncoding(rawValue: section.load(as: UInt8.self)) else {
            return "unknown unit encoding \(section.load(as: UInt8.self))"
        }
        let entries = Int(section.load(fromByteOffset: 4, as: UInt32.self))
        let width = Int(section.load(fromByteOffset: 1, as: UInt8.self))
        switch encoding {
        case .runs:
            guard entries <= count, byteCount == alignedTo8(8 + alignedTo4(entries) + 4 * entries) else {
                return "unit column of \(byteCount) bytes for \(entries) runs"
            }
            var previous = 0
            for r in 0..<entries {
                let end = Int(section.load(fromByteOffset: 8 + alignedTo4(entries) + 4 * r, as: UInt32.self))
                guard end > previous, end <= count else { return "unit run end \(end) out of order or range" }
                previous = end
            }
            guard previous == count else { return "unit runs cover \(previous) of \(count) records" }
        case .dictionary:
            guard entries >= 1, entries <= 256, width <= 8,
                byteCount == 8 + alignedTo8(entries) + BitPacking.byteCount(count: count, width: width)
            else { return "unit dictionary of \(entries) codes at width \(width) in \(byteCount) bytes" }
            let reader = UnitColumnReader(section)
            for i in 0..<count where Int(reader.indices.load(i)) >= entries {
                return "unit dictionary index out of range at record \(i)"
            }
        }
        return nil
    }

    @inline(__always)
    func value(at i: Int) -> UInt8 {
        switch encoding {
        case .runs:
            var low = 0
            var high = entries - 1
            while low < high {
                let mid = (low + high) / 2
                if Int(ends.load(fromByteOffset: 4 * mid, as: UInt32.self)) <= i { low = mid + 1 } else { high = mid }
            }
            return codes.load(fromByteOffset: low, as: UInt8.self)
        case .dictionary:
            return codes.load(fromByteOffset: Int(indices.load(i)), as: UInt8.self)
        }
    }

    func decode(into out: UnsafeMutablePointer<UInt8>, count: Int) {
        switch encoding {
        case .runs:
            var start = 0
            for r in 0..<entries {
                let end = Int(ends.load(fromByteOffset: 4 * r, as: UInt32.self))
                out.advanced(by: start).update(repeating: codes.load(fromByteOffset: r, as: UInt8.self), count: end - start)
                start = end
            }
        case .dictionary:
            for i in 0..<count { out[i] = codes.load(fromByteOffset: Int(indices.load(i)), as: UInt8.self) }
        }
    }
}
