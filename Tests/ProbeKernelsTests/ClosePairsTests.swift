import ProbeKernels
import Testing

@Suite("Pairs within reach through the tiled kernel")
struct ClosePairsTests {
    /// The pairs by direct float64 distances, independent of the kernel.
    private func bruteForce(_ rows: [[Float]], reach: (Int, Int) -> Double?) -> [[Int]] {
        var found: [[Int]] = []
        for i in 0..<rows.count {
            for j in (i + 1)..<rows.count {
                guard let limit = reach(i, j) else { continue }
                let distance = zip(rows[i], rows[j]).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
                if limit >= distance { found.append([i, j]) }
            }
        }
        return found
    }

    @Test("the same pairs as a direct computation, across tiles, with skipped pairs and exact ties",
          arguments: [(7, 3), (600, 5), (700, 24)])
    func sameAsBruteForce(count: Int, dimension: Int) {
        var g = SeededGenerator(seed: UInt64(count * 31 + dimension))
        var rows = (0..<count).map { _ in (0..<dimension).map { _ in Float.random(in: -1..<1, using: &g) } }
        rows[count - 1] = rows[0]  // a coincident pair: distance exactly 0, reach 0 still counts
        let radii = (0..<count).map { $0 == 0 || $0 == count - 1 ? 0 : Double.random(in: 0..<0.6, using: &g) }
        let reach: (Int, Int) -> Double? = { i, j in (i + j) % 5 == 0 ? nil : radii[i] + radii[j] }
        let pairs = closePairs(rows, dimension: dimension, reach: reach).map { [$0.0, $0.1] }
        let expected = bruteForce(rows, reach: reach)
        #expect(pairs == expected)
        // Row blocks on several threads: the same pairs.
        #expect(closePairs(rows, dimension: dimension, threads: 3, reach: reach).map { [$0.0, $0.1] } == expected)
        #expect(!expected.isEmpty)
        #expect(pairs.contains([0, count - 1]) == ((count - 1) % 5 != 0))
    }

    @Test("pairs involving some rows are the pairs of all rows that involve them", arguments: [(9, 4), (700, 24)])
    func involvingSomeRows(count: Int, dimension: Int) {
        var g = SeededGenerator(seed: UInt64(count * 7 + dimension))
        let rows = (0..<count).map { _ in (0..<dimension).map { _ in Float.random(in: -1..<1, using: &g) } }
        let radii = (0..<count).map { _ in Double.random(in: 0..<2.4, using: &g) }
        let reach: (Int, Int) -> Double? = { i, j in (i * j) % 7 == 3 ? nil : radii[i] + radii[j] }
        let all = closePairs(rows, dimension: dimension, reach: reach).map { [$0.0, $0.1] }
        // Rows spread over the tiles, neighbours among them (pairs of two involved rows).
        for involved in [[0], [1, 2, count - 1], Array(stride(from: 0, to: count, by: 3)), Array(0..<count)] {
            let set = Set(involved)
            let expected = all.filter { set.contains($0[0]) || set.contains($0[1]) }
            for threads in [1, 3] {
                let found = closePairs(rows, dimension: dimension, threads: threads, involving: involved, reach: reach).map { [$0.0, $0.1] }
                #expect(found == expected, "\(involved.count) rows involved, \(threads) threads")
            }
        }
        #expect(!all.isEmpty)
    }
}
