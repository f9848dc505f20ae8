/// The last index in `0..<count` whose key is at most `target`, for keys that
/// never decrease with the index and a first key at most `target`.
///
/// The one binary search of the package: merged parts, snapshot segments by
/// block and by record all look up "the run that starts at or before this".
///
/// - Parameters:
///   - count: The number of keys, at least 1.
///   - target: The value to look up.
///   - key: The key at an index in `0..<count`.
/// - Returns: The index; 0 when no key but the first is at most `target`.
/// - Complexity: O(log `count`) calls to `key`.
@inlinable
package func searchLastIndex(
    in count: Int, withKeyAtMost target: Int, key: (Int) -> Int
) -> Int {
    var low = 0
    var high = count - 1
    while low < high {
        let middle = low + (high - low + 1) / 2
        if key(middle) <= target { low = middle } else { high = middle - 1 }
    }
    return low
}
