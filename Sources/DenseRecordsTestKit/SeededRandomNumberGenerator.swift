import InternalDenseRecordsUtilities

/// A random number generator whose output depends only on its seed.
///
/// Use it in tests so that a failing random case replays exactly: print the
/// seed with the failure, and the same seed gives the same records again. It is
/// SplitMix64 (Steele, Lea and Flood, 2014), the generator behind the synthetic
/// source, so a seed means the same thing everywhere in DenseRecords.
///
/// ```swift
/// var generator = SeededRandomNumberGenerator(seed: 42)
/// let value = Double.random(in: 0..<1, using: &generator)
/// ```
public struct SeededRandomNumberGenerator: RandomNumberGenerator, Sendable {
    private var base: SplitMix64

    /// Creates a generator that starts from `seed`.
    ///
    /// - Parameter seed: Any value; equal seeds give equal sequences.
    public init(seed: UInt64) { base = SplitMix64(seed: seed) }

    /// The next 64 random bits.
    ///
    /// - Complexity: O(1).
    public mutating func next() -> UInt64 { base.next() }
}
