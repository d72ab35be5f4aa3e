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
}
