import Foundation

/// A deterministic random number generator (SplitMix64), so that generated test data is
/// the same on every run and every machine.
///
/// Shared by the test targets (the `TestSupport` target is not a product).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    /// The generator's state; the next value is a function of it alone.
    public var state: UInt64

    /// Starts the sequence of `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal value (Box–Muller).
    public mutating func gaussian() -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &self), v = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    /// A float32 uniform in [0, 1).
    public mutating func unit() -> Float { Float.random(in: 0..<1, using: &self) }
}
