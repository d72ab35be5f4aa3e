/// Merges two ascending member lists.
func mergeSorted(_ a: [Int32], _ b: [Int32]) -> [Int32] {
    var out: [Int32] = []
    out.reserveCapacity(a.count + b.count)
    var i = 0, j = 0
    while i < a.count || j < b.count {
        if j == b.count || (i < a.count && a[i] < b[j]) { out.append(a[i]); i += 1 } else { out.append(b[j]); j += 1 }
    }
    return out
}
