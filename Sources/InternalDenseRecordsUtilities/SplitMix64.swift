/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny, fast generator whose
/// output depends only on its seed, so synthetic data and random tests replay exactly.
///
/// The one SplitMix64 of the package: the synthetic source, the test kit's
/// `SeededRandomNumberGenerator` (and through it the tests and benchmarks) draw
/// from it. The memory report keeps its own index generator, which
/// `scripts/python_memory_cases.py` mirrors so Swift and Python rows read the
/// same positions.
@frozen
package struct SplitMix64: RandomNumberGenerator, Sendable {
    /// The generator's whole state.
    package var state: UInt64

    /// Creates a generator that starts from `seed`.
    @inlinable
    package init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    @inlinable
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform double in `0..<1`, from the top 53 bits of the next value.
    @inlinable
    package mutating func nextUnitInterval() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
