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
///   - reach: the largest distance at which the pair counts, or nil to skip the pair.
public func closePairs(_ rows: [[Float]], dimension: Int, threads: Int = 1, reach: (Int, Int) -> Double?) -> [(Int, Int)] {
    let k = rows.count, d = dimension
    guard k > 1, d > 0 else { return [] }
    for (c, row) in rows.enumerated() {
        precondition(row.count == d, "closePairs: row \(c) has \(row.count) values, not \(d)")
    }
    let tile = min(512, k, max(8, (16 << 20) / (d * MemoryLayout<Float>.size)))
    let blocks = (k + tile - 1) / tile
    // Each block writes only its own slot.
    let found = SlotBuffer<[(Int, Int)]>(count: blocks, initial: [])
    forEachChunk(blocks, workers: threads) { block in
        found[block] = closePairs(rows, dimension: d, tile: tile, rowBlock: block, reach: reach)
    }
    // Blocks find them row block by row block; callers get them in ascending order.
    var pairs = (0..<blocks).flatMap { found[$0] }
    pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    return pairs
}

/// The close pairs (i, j), i < j, with i in row block `rowBlock` (rows `rowBlock·tile ..<`).
private func closePairs(_ rows: [[Float]], dimension d: Int, tile: Int, rowBlock: Int,
                        reach: (Int, Int) -> Double?) -> [(Int, Int)] {
    let k = rows.count
    var pairs: [(Int, Int)] = []
    var xs = [Float](repeating: 0, count: tile * d), ys = xs
    var xn = [Float](repeating: 0, count: tile), yn = xn
    var out = [Float](repeating: 0, count: tile * tile)
    func load(_ range: Range<Int>, into block: inout [Float], norms: inout [Float]) {
        for (r, c) in range.enumerated() {
            for q in 0..<d { block[r * d + q] = rows[c][q] }
        }
        block.withUnsafeBufferPointer { blockBuffer in
            norms.withUnsafeMutableBufferPointer { n in
                squaredRowNorms(UnsafeBufferPointer(rebasing: blockBuffer[0..<(range.count * d)]), dimension: d,
                                into: UnsafeMutableBufferPointer(rebasing: n[0..<range.count]))
            }
        }
    }
    do {
        let i0 = rowBlock * tile
        let rangeI = i0..<min(k, i0 + tile)
        load(rangeI, into: &xs, norms: &xn)
        var j0 = i0
        while j0 < k {
            let rangeJ = j0..<min(k, j0 + tile)
            load(rangeJ, into: &ys, norms: &yn)
            xs.withUnsafeBufferPointer { x in ys.withUnsafeBufferPointer { y in
                xn.withUnsafeBufferPointer { xnb in yn.withUnsafeBufferPointer { ynb in
                    out.withUnsafeMutableBufferPointer { o in
                        squaredDistances(x: x, xNorms: UnsafeBufferPointer(rebasing: xnb[0..<rangeI.count]),
                                         y: y, yNorms: UnsafeBufferPointer(rebasing: ynb[0..<rangeJ.count]),
                                         dimension: d, into: o)
                    }
                } }
            } }
            for (a, i) in rangeI.enumerated() {
                for (b, j) in rangeJ.enumerated() where j > i {
                    guard let limit = reach(i, j) else { continue }
                    let slack = 1e-4 * Double(xn[a] + yn[b]) + 1e-12
                    guard Double(out[a * rangeJ.count + b]) <= limit * limit + slack else { continue }
                    let exact = rows[i].withUnsafeBufferPointer { p in
                        rows[j].withUnsafeBufferPointer { q in
                            exactSquaredDistance(p.baseAddress!, q.baseAddress!, dimension: d).squareRoot()
                        }
                    }
                    if limit >= exact { pairs.append((i, j)) }
                }
            }
            j0 = rangeJ.upperBound
        }
    }
    return pairs
}
