/// An unordered pair of cluster nodes (point-set identities).
public struct NodePair: Hashable, Sendable {
    /// The smaller node.
    public let first: Int
    /// The larger node.
    public let second: Int
    /// The pair of `a` and `b`, in either order.
    public init(_ a: Int, _ b: Int) {
        first = min(a, b)
        second = max(a, b)
    }

    /// Both nodes folded into one word (``_rawHashValue(seed:)`` hashes the same word; equality
    /// still compares both nodes, so a fold that collides costs only a probe).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(folded)
    }

    /// The hash the standard library's `Dictionary` and `Set` use: the folded word and the
    /// table's seed through one multiply–xorshift finaliser (SplitMix64's), not SipHash.
    ///
    /// `_rawHashValue(seed:)` is the `Hashable` requirement those tables call; the default runs
    /// the full SipHash of `hash(into:)`, which was ~3% of a layer-6 profile (the hyperplane
    /// caches hash ~15 000 pairs per merge). The keys are node ids chosen by the program, not
    /// by an adversary, so a hash without a secret loses nothing; the finaliser spreads
    /// sequential ids over the low bits the tables index by.
    public func _rawHashValue(seed: Int) -> Int {
        var z = folded ^ UInt64(truncatingIfNeeded: seed)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: z ^ (z >> 31))
    }

    /// Both nodes in one word.
    private var folded: UInt64 {
        UInt64(truncatingIfNeeded: first) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: second)
    }
}
