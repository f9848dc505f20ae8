import InternalDenseRecordsUtilities

/// The groups of one query run: their keys and running states in flat,
/// manually managed arrays, and a lookup from key to group.
///
/// Storage grows by doubling when a group is added, so a query allocates
/// O(log groups) times for its groups and never once per record. Three
/// lookups, chosen once per query:
/// - one group (no grouping);
/// - a direct table indexed by `sensorID - lowestSensorID`, when grouping by
///   sensor alone over a sensor span of at most ``directSpanLimit``;
/// - an open-addressing hash table (linear probing, at most half full) on
///   `(sensorID, bucketIndex)` otherwise.
///
/// A class so that `deinit` frees what it allocated; used by one query on one
/// thread and never shared.
final class GroupTable {
    /// The widest sensor span the direct table covers: 256 KiB of slots.
    static let directSpanLimit = 1 << 16

    private(set) var count = 0
    private var capacity = 0
    private(set) var sensorIDs: UnsafeMutablePointer<UInt32>
    private(set) var bucketIndices: UnsafeMutablePointer<Int64>
    private(set) var states: UnsafeMutablePointer<GroupState>
    /// One sketch per group, when the query has sketch quantiles.
    var sketches: [DDSketch] = []
    /// Every value per group, when the query has exact quantiles.
    var exactValues: [[Double]] = []

    private let plan: QueryPlan
    private let groupLimit: Int
    /// The direct table, when grouping by sensor alone: `directSlots[sensorID - directBase]`
    /// is the sensor's group, or -1; `directSpan` entries.
    let directBase: UInt32
    let directSlots: UnsafeMutablePointer<Int32>?
    let directSpan: Int
    private var hashSlots: UnsafeMutablePointer<Int32>?
    private var hashMask = 0

    /// Creates an empty table.
    ///
    /// - Parameters:
    ///   - plan: What the groups compute.
    ///   - groupLimit: The most groups.
    ///   - directSensors: The sensor ids to index directly, or `nil` for the hash table.
    init(plan: QueryPlan, groupLimit: Int, directSensors: ClosedRange<UInt32>?) {
        self.plan = plan
        self.groupLimit = groupLimit
        capacity = 16
        sensorIDs = .allocate(capacity: capacity)
        bucketIndices = .allocate(capacity: capacity)
        states = .allocate(capacity: capacity)
        if let directSensors {
            directBase = directSensors.lowerBound
            directSpan = Int(directSensors.upperBound - directSensors.lowerBound) + 1
            let slots = UnsafeMutablePointer<Int32>.allocate(capacity: directSpan)
            slots.initialize(repeating: -1, count: directSpan)
            directSlots = slots
        } else {
            directBase = 0
            directSpan = 0
            directSlots = nil
            resizeHash(slotCount: 64)
        }
    }

    deinit {
        sensorIDs.deallocate()
        bucketIndices.deallocate()
        states.deallocate()
        directSlots?.deallocate()
        hashSlots?.deallocate()
    }

    /// The group of `(sensorID, bucketIndex)`, added when new.
    ///
    /// - Throws: ``QueryError/tooManyGroups(limit:)`` past the group limit;
    ///   ``QueryError/zoneMapContradicted(sensorID:)`` for a sensor outside the zone maps' range.
    @inline(__always)
    func slot(sensorID: UInt32, bucketIndex: Int64) throws(QueryError) -> Int {
        if let directSlots {
            let position = Int(sensorID &- directBase)
            if position >= directSpan { throw .zoneMapContradicted(sensorID: sensorID) }
            let found = directSlots[position]
            if found >= 0 { return Int(found) }
            let added = try addGroup(sensorID: sensorID, bucketIndex: bucketIndex)
            directSlots[position] = Int32(added)
            return added
        }
        return try hashedSlot(sensorID: sensorID, bucketIndex: bucketIndex)
    }

    private func hashedSlot(sensorID: UInt32, bucketIndex: Int64) throws(QueryError) -> Int {
        guard let hashSlots else { return 0 }
        var position = Self.hash(sensorID, bucketIndex) & hashMask
        while true {
            let found = Int(hashSlots[position])
            if found < 0 { break }
            if sensorIDs[found] == sensorID && bucketIndices[found] == bucketIndex { return found }
            position = (position + 1) & hashMask
        }
        let added = try addGroup(sensorID: sensorID, bucketIndex: bucketIndex)
        hashSlots[position] = Int32(added)
        if count * 2 > hashMask + 1 { resizeHash(slotCount: (hashMask + 1) * 2) }
        return added
    }

    @inline(__always)
    private static func hash(_ sensorID: UInt32, _ bucketIndex: Int64) -> Int {
        var mixed = UInt64(bitPattern: bucketIndex) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(sensorID) &* 0xC2B2_AE3D_27D4_EB4F
        mixed ^= mixed >> 32
        return Int(truncatingIfNeeded: mixed)
    }

    private func resizeHash(slotCount: Int) {
        hashSlots?.deallocate()
        let slots = UnsafeMutablePointer<Int32>.allocate(capacity: slotCount)
        slots.initialize(repeating: -1, count: slotCount)
        hashMask = slotCount - 1
        for group in 0..<count {
            var position = Self.hash(sensorIDs[group], bucketIndices[group]) & hashMask
            while slots[position] >= 0 { position = (position + 1) & hashMask }
            slots[position] = Int32(group)
        }
        hashSlots = slots
    }

    /// Appends a fresh group and returns its index.
    private func addGroup(sensorID: UInt32, bucketIndex: Int64) throws(QueryError) -> Int {
        guard count < groupLimit, count < Int(Int32.max) else { throw .tooManyGroups(limit: groupLimit) }
        if count == capacity { grow() }
        sensorIDs[count] = sensorID
        bucketIndices[count] = bucketIndex
        (states + count).initialize(to: GroupState())
        if plan.sketchQuantiles { sketches.append(DDSketch(relativeAccuracy: plan.sketchAccuracy)) }
        if plan.exactQuantiles { exactValues.append([]) }
        count += 1
        return count - 1
    }

    private func grow() {
        let newCapacity = capacity * 2
        func moved<T>(_ old: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
            let new = UnsafeMutablePointer<T>.allocate(capacity: newCapacity)
            new.moveInitialize(from: old, count: count)
            old.deallocate()
            return new
        }
        sensorIDs = moved(sensorIDs)
        bucketIndices = moved(bucketIndices)
        states = moved(states)
        capacity = newCapacity
    }
}
