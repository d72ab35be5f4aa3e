/// Merges two ascending lists (member lists: the rows of two clusters).
func mergeSorted<T: Comparable>(_ a: [T], _ b: [T]) -> [T] {
    mergeSorted(a, b, by: <)
}

/// Merges two lists sorted by `precedes`; where two elements are tied, `a`'s comes first.
func mergeSorted<T>(_ a: [T], _ b: [T], by precedes: (T, T) -> Bool) -> [T] {
    var out: [T] = []
    out.reserveCapacity(a.count + b.count)
    var i = 0, j = 0
    while i < a.count && j < b.count {
        if precedes(b[j], a[i]) {
            out.append(b[j]); j += 1
        } else {
            out.append(a[i]); i += 1
        }
    }
    out.append(contentsOf: a[i...])
    out.append(contentsOf: b[j...])
    return out
}

/// Merges runs that are each sorted by `precedes` into one sorted array; where heads of two
/// runs are tied, the earlier run's comes first (so for a strict total order the result is
/// the sorted array of all the elements). Neighbouring runs are merged in rounds, so each
/// element is moved about log₂(runs) times.
func mergeRuns<T>(_ runs: [[T]], by precedes: (T, T) -> Bool) -> [T] {
    var runs = runs
    while runs.count > 1 {
        runs = stride(from: 0, to: runs.count, by: 2).map { first in
            first + 1 < runs.count ? mergeSorted(runs[first], runs[first + 1], by: precedes) : runs[first]
        }
    }
    return runs.first ?? []
}
