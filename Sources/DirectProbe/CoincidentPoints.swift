import Foundation
import ProbeStore

/// Groups of rows with identical vectors, found in one streaming pass over a matrix.
///
/// Real embeddings repeat vectors: layer 0 of a BERT-family model gives the same vector to
/// the same first word piece at the same position. No clustering can separate two such
/// points of different labels, so probing sets them aside (``CoincidentPoints/setAside``).
///
/// Every row is hashed once (O(n) memory: one 64-bit hash per row); rows whose hashes agree
/// are compared exactly, value by value, so a hash collision never joins distinct vectors.
/// `-0.0` and `0.0` are the same value and hash alike.
public struct CoincidentPoints: Sendable {
    /// Groups of two or more rows with the same vector; rows ascending, groups in order of
    /// their first row.
    public let groups: [[Int32]]

    /// Finds the groups of identical rows of `matrix`.
    public static func find(in matrix: EmbeddingMatrix, blockRows: Int? = nil) throws -> CoincidentPoints {
        let d = matrix.dimension
        let blockRows = blockRows ?? Self.blockRows(dimension: d)
        var hashes = [UInt64](repeating: 0, count: matrix.rowCount)
        try matrix.forEachBlock(rows: blockRows) { range, block in
            for (k, row) in range.enumerated() {
                hashes[row] = rowHash(UnsafeBufferPointer(rebasing: block[(k * d)..<((k + 1) * d)]))
            }
        }
        // Rows sorted by hash: equal hashes are neighbours; ties keep row order.
        let order = hashes.indices.sorted { hashes[$0] != hashes[$1] ? hashes[$0] < hashes[$1] : $0 < $1 }
        var groups: [[Int32]] = []
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, hashes[order[end]] == hashes[order[start]] { end += 1 }
            if end - start > 1 {
                groups += try exactClasses(Array(order[start..<end]), in: matrix)
            }
            start = end
        }
        groups.sort { $0[0] < $1[0] }
        return CoincidentPoints(groups: groups)
    }

    /// Rows per streamed block: up to 4096, and at most 16 MiB of values at high dimension.
    static func blockRows(dimension: Int) -> Int {
        max(1, min(4096, (16 << 20) / max(1, dimension * MemoryLayout<Float>.size)))
    }

    /// The groups whose rows carry more than one label.
    public func mixed(labels: [Int32]) -> [[Int32]] {
        groups.filter { group in group.contains { labels[Int($0)] != labels[Int(group[0])] } }
    }

    /// The rows of the mixed groups, with their group number (1-based, in order of the group's
    /// first row), ascending by row.
    public func setAside(labels: [Int32]) -> [(row: Int, group: Int)] {
        var rows: [(row: Int, group: Int)] = []
        for (index, group) in mixed(labels: labels).enumerated() {
            for row in group { rows.append((Int(row), index + 1)) }
        }
        return rows.sorted { $0.row < $1.row }
    }

    /// Splits rows with one hash into classes of exactly equal vectors (sizes ≥ 2 kept).
    private static func exactClasses(_ rows: [Int], in matrix: EmbeddingMatrix) throws -> [[Int32]] {
        let d = matrix.dimension
        var values = [Float](repeating: 0, count: rows.count * d)
        try values.withUnsafeMutableBufferPointer { try matrix.gatherRows(rows, into: $0) }
        var classOf = [Int](repeating: -1, count: rows.count)
        var classes: [[Int32]] = []
        for i in rows.indices where classOf[i] < 0 {
            classOf[i] = classes.count
            var members: [Int32] = [Int32(rows[i])]
            for j in (i + 1)..<rows.count where classOf[j] < 0 {
                var equal = true
                for k in 0..<d where values[i * d + k] != values[j * d + k] { equal = false; break }
                if equal {
                    classOf[j] = classes.count
                    members.append(Int32(rows[j]))
                }
            }
            classes.append(members.sorted())
        }
        return classes.filter { $0.count > 1 }
    }

    /// A 64-bit hash of a row's values, with `-0.0` read as `0.0` (equal values, equal hashes).
    ///
    /// Written here because the standard library's `Hasher` is seeded per process and would
    /// need a normalised copy of every row; this multiply–xorshift mix over the bit patterns is
    /// deterministic, allocation-free and only pre-selects rows for the exact comparison.
    static func rowHash(_ row: UnsafeBufferPointer<Float>) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(row.count)
        for value in row {
            let bits = value == 0 ? 0 : UInt64(value.bitPattern)
            h = (h ^ bits) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
        }
        h = (h ^ (h >> 29)) &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 32)
    }
}

/// Test points that coincide with a training point of another label (reported, not acted on).
struct TestCoincidence {
    /// Test rows whose vector equals a training vector of a different label.
    let rows: [Int]

    /// Compares every test row with the training rows of equal hash.
    static func find(test: LabeledPoints, training: LabeledPoints) throws -> TestCoincidence {
        let d = training.dimension
        let blockRows = CoincidentPoints.blockRows(dimension: d)
        guard test.dimension == d else { return TestCoincidence(rows: []) }
        // (hash, row) pairs sorted by hash: O(n) memory, binary-searched per test row.
        var index: [(hash: UInt64, row: Int32)] = []
        index.reserveCapacity(training.count)
        try training.matrix.forEachBlock(rows: blockRows) { range, block in
            for (k, row) in range.enumerated() {
                index.append((CoincidentPoints.rowHash(UnsafeBufferPointer(rebasing: block[(k * d)..<((k + 1) * d)])), Int32(row)))
            }
        }
        index.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.row < $1.row }
        var found: [Int] = []
        var other = [Float](repeating: 0, count: d)
        try test.matrix.forEachBlock(rows: blockRows) { range, block in
            for (k, row) in range.enumerated() {
                let values = UnsafeBufferPointer(rebasing: block[(k * d)..<((k + 1) * d)])
                let hash = CoincidentPoints.rowHash(values)
                var low = 0, high = index.count
                while low < high {
                    let mid = (low + high) / 2
                    if index[mid].hash < hash { low = mid + 1 } else { high = mid }
                }
                var position = low
                while position < index.count, index[position].hash == hash {
                    let candidate = index[position].row
                    position += 1
                    guard training.labels[Int(candidate)] != test.labels[row] else { continue }
                    try other.withUnsafeMutableBufferPointer { try training.matrix.gatherRows([Int(candidate)], into: $0) }
                    if zip(values, other).allSatisfy({ $0 == $1 }) {
                        found.append(row)
                        break
                    }
                }
            }
        }
        return TestCoincidence(rows: found)
    }
}
