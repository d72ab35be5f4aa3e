/// The order of layer, iteration and dataset names: path components compare one by one,
/// numbers as numbers and before text, everything else as text ("2" < "10" < "final",
/// `train/0/2` < `train/0/10`); a key that is a prefix of another comes first.
///
/// One order for every listing (task folders, store keys, batch and sweep folders), so that
/// the same layers come out in the same order whatever the layout they were read from.
public func naturalOrder(_ a: String, _ b: String) -> Bool {
    let left = a.split(separator: "/", omittingEmptySubsequences: false)
    let right = b.split(separator: "/", omittingEmptySubsequences: false)
    for (x, y) in zip(left, right) where x != y {
        switch (Int(x), Int(y)) {
        case let (i?, j?): return i != j ? i < j : x < y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return x < y
        }
    }
    return left.count < right.count
}
