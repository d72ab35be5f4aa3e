/// The pairs of rows `i < j` that lie within a reach of each other: `‖xᵢ − xⱼ‖ ≤ reach(i, j)`.
///
/// Tiles of squared distances come from `squaredDistances` (one sgemm each, at most 512 rows
/// a side and 16 MiB a tile block whatever the dimension); a pair whose float32 value is
/// within a generous margin of its reach (float32 tiles err by about d·2⁻²⁴·(‖x‖² + ‖y‖²))
/// is then decided exactly, `exactSquaredDistance(xᵢ, xⱼ).squareRoot() ≤ reach`, so no pair
/// is missed and none is reported that fails the exact test. Pairs come out in ascending
/// order of (i, j). Row blocks are spread over up to `threads` threads (each with its own
/// tile buffers; the sgemm runs on one OpenBLAS thread, ``BLASThreads``); the pairs do not
/// depend on the thread count.
///
/// - Parameters:
///   - rows: the rows, each of `dimension` floats.
///   - dimension: the number of floats in a row.
///   - threads: the most threads to use.
///   - involving: when given, only the pairs with at least one of these rows (ascending,
///     distinct) are looked for, at a cost proportional to their number times all rows: the
///     caller knows the pairs of the other rows among themselves from elsewhere.
///   - reach: the largest distance at which the pair `i < j` counts, or nil to skip the pair.
public func closePairs(_ rows: [[Float]], dimension: Int, threads: Int = 1, involving: [Int]? = nil,
                       reach: (Int, Int) -> Double?) -> [(Int, Int)] {
    let k = rows.count, d = dimension
    guard k > 1, d > 0 else { return [] }
    for (c, row) in rows.enumerated() {
        precondition(row.count == d, "closePairs: row \(c) has \(row.count) values, not \(d)")
    }
    let tile = min(512, k, max(8, (16 << 20) / (d * MemoryLayout<Float>.size)))
    // The rows of the outer blocks: all of them, or those the pairs must involve.
    let outer: [Int] = involving ?? Array(0..<k)
    var isOuter = [Bool](repeating: involving == nil, count: k)
    var previous = -1
    for row in involving ?? [] {
        precondition(row > previous && row < k, "closePairs: the rows involved must be ascending, distinct and in range")
        isOuter[row] = true
        previous = row
    }
    let flags = isOuter
    let blocks = (outer.count + tile - 1) / tile
    // Each block writes only its own slot.
    let found = SlotBuffer<[(Int, Int)]>(count: blocks, initial: [])
    forEachChunk(blocks, workers: threads) { block in
        found[block] = closePairs(rows, dimension: d, tile: tile, outer: outer, isOuter: flags, rowBlock: block, reach: reach)
    }
    // Blocks find them row block by row block; callers get them in ascending order.
    var pairs = (0..<blocks).flatMap { found[$0] }
    pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    return pairs
}

/// The close pairs found from the outer rows of block `rowBlock` (`outer[rowBlock·tile ..<]`),
/// each as (i, j) with i < j: against every later row where every row is outer (the
/// triangle), else against every row but the outer rows before it (so each pair once).
private func closePairs(_ rows: [[Float]], dimension d: Int, tile: Int, outer: [Int], isOuter: [Bool], rowBlock: Int,
                        reach: (Int, Int) -> Double?) -> [(Int, Int)] {
    let k = rows.count
    let triangle = outer.count == k
    var pairs: [(Int, Int)] = []
    var xs = [Float](repeating: 0, count: tile * d), ys = xs
    var xn = [Float](repeating: 0, count: tile), yn = xn
    var out = [Float](repeating: 0, count: tile * tile)
    func load(_ indices: [Int], into block: inout [Float], norms: inout [Float]) {
        for (r, c) in indices.enumerated() {
            for q in 0..<d { block[r * d + q] = rows[c][q] }
        }
        block.withUnsafeBufferPointer { blockBuffer in
            norms.withUnsafeMutableBufferPointer { n in
                squaredRowNorms(UnsafeBufferPointer(rebasing: blockBuffer[0..<(indices.count * d)]), dimension: d,
                                into: UnsafeMutableBufferPointer(rebasing: n[0..<indices.count]))
            }
        }
    }
    let firstOuter = rowBlock * tile
    let rowsI = Array(outer[firstOuter..<min(outer.count, firstOuter + tile)])
    load(rowsI, into: &xs, norms: &xn)
    // The triangle starts at the block's first row; otherwise every row is a partner.
    var j0 = triangle ? rowsI[0] : 0
    while j0 < k {
        let rangeJ = j0..<min(k, j0 + tile)
        load(Array(rangeJ), into: &ys, norms: &yn)
        xs.withUnsafeBufferPointer { x in ys.withUnsafeBufferPointer { y in
            xn.withUnsafeBufferPointer { xnb in yn.withUnsafeBufferPointer { ynb in
                out.withUnsafeMutableBufferPointer { o in
                    squaredDistances(x: x, xNorms: UnsafeBufferPointer(rebasing: xnb[0..<rowsI.count]),
                                     y: y, yNorms: UnsafeBufferPointer(rebasing: ynb[0..<rangeJ.count]),
                                     dimension: d, into: o)
                }
            } }
        } }
        for (a, i) in rowsI.enumerated() {
            for (b, j) in rangeJ.enumerated() {
                // Each pair once: with a later row, or with an earlier one that is not outer.
                let isLater = j > i
                if !isLater && (j == i || isOuter[j]) { continue }
                let low = isLater ? i : j
                let high = isLater ? j : i
                guard let limit = reach(low, high) else { continue }
                let slack: Double = 1e-4 * Double(xn[a] + yn[b]) + 1e-12
                guard Double(out[a * rangeJ.count + b]) <= limit * limit + slack else { continue }
                let exact = rows[low].withUnsafeBufferPointer { p in
                    rows[high].withUnsafeBufferPointer { q in
                        exactSquaredDistance(p.baseAddress!, q.baseAddress!, dimension: d).squareRoot()
                    }
                }
                if limit >= exact { pairs.append((low, high)) }
            }
        }
        j0 = rangeJ.upperBound
    }
    return pairs
}
