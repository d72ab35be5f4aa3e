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

    /// Both nodes folded into one word, hashed once: the caches of forward merging look up
    /// and store thousands of pairs per merge, and the two-word hash was a visible part of
    /// that. (Equality still compares both nodes; a fold that collides costs only a probe.)
    public func hash(into hasher: inout Hasher) {
        hasher.combine(UInt64(truncatingIfNeeded: first) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: second))
    }
}
