// The working set ("corral") of Wolfe's nearest-point algorithm on the Minkowski difference
// A − B: difference vertices v = a_i − b_j with convex weights, and a QR factorisation that
// gives their affine minimum-norm point.
//
// The affine minimiser of {v_1..v_k} is y = Σ α_p v_p with Σ α_p = 1 minimising ‖y‖.
// Border each vertex as the column b_p = (√c, v_p) of B, c > 0, and let u minimise
// ‖B u − e₀‖. Then BᵀB u = Bᵀe₀ = √c·1, that is (c·11ᵀ + G) u ∝ 1 with G the Gram matrix
// of the vertices, and α = u / Σu satisfies G α = const·1, the optimality condition. B has
// full column rank exactly when the vertices are affinely independent, so the QR
// factorisation B = QR is also the independence test, and u = R⁻¹ Qᵀe₀ costs one
// triangular solve. QR (Gram–Schmidt with re-orthogonalisation, Givens rotations on
// removal) keeps the error at the condition number of B, where a Cholesky factor of the
// Gram matrix would square it: that matters when the nearest points are close compared
// with the extent of the sets, the case where the solver must resolve small distances.
// c is set to the squared spread of the data so that both parts of b_p have comparable
// size, whatever the units of the embeddings.

/// Wolfe's corral: affinely independent difference vertices with weights and a factor.
struct Corral {
    let dimension: Int
    /// √c, the first entry of every bordered column.
    let border: Double
    /// A new column whose distance from the span of the others is below this fraction of
    /// its length is treated as affinely dependent.
    static let dependenceTolerance = 1e-12

    var list = VertexList()

    /// Length of a bordered column, `dimension + 1`.
    private let height: Int
    /// The bordered columns b_p, one after another.
    private var columns: [Double] = []
    /// The orthonormal columns of Q, one after another.
    private var q: [Double] = []
    /// Upper-triangular R.
    private var r = TriangularFactor()

    init(dimension: Int, shift: Double) {
        self.dimension = dimension
        self.border = shift.squareRoot()
        self.height = dimension + 1
    }

    /// x = Σ λ_p v_p.
    func currentPoint() -> [Double] {
        let d = dimension, m = height
        var x = [Double](repeating: 0, count: d)
        columns.withUnsafeBufferPointer { b in
            x.withUnsafeMutableBufferPointer { x in
                for p in 0..<size { axpy(weights[p], b.baseAddress! + p * m + 1, x.baseAddress!, d) }
            }
        }
        return x
    }

    /// Appends vertex `v` = a_i − b_j with weight 0; false (and no change) if `v` is
    /// numerically in the affine hull of the corral.
    mutating func append(_ v: [Double], indexA i: Int, indexB j: Int) -> Bool {
        let b = bordered(v)
        var w = b
        let coefficients = orthogonalize(&w, against: 0..<size)
        return accept(b, orthogonalized: w, coefficients: coefficients, indexA: i, indexB: j)
    }

    /// Vertices per block of ``append(contentsOf:)``.
    static let blockSize = 32

    /// Appends the vertices in order, as ``append(_:indexA:indexB:)`` one after another does
    /// (up to rounding), a block of them at a time: each block is orthogonalised against the
    /// columns of Q before it with matrix products (block classical Gram–Schmidt, twice, as
    /// for a single column), then each vertex of the block against the block's columns that
    /// joined before it, one by one. The operations are those of the loops, ~4·s²·(d + 1)
    /// for a warm start of s vertices, but in `dgemm` instead of one dot product at a time:
    /// a warm start of ~250 vertices was the largest single cost of forward merging on real
    /// layers (15% of the samples on layer 0).
    mutating func append(contentsOf candidates: [CorralCandidate]) -> [Bool] {
        guard candidates.count > 1 else { return candidates.map { append($0.vertex, indexA: $0.indexA, indexB: $0.indexB) } }
        if size == 0, candidates.count >= Corral.smallestHouseholderStart, appendByHouseholder(candidates) {
            return [Bool](repeating: true, count: candidates.count)
        }
        var joined: [Bool] = []
        joined.reserveCapacity(candidates.count)
        q.reserveCapacity((size + candidates.count) * height)
        columns.reserveCapacity((size + candidates.count) * height)
        for start in stride(from: 0, to: candidates.count, by: Corral.blockSize) {
            joined += appendBlock(candidates[start..<min(start + Corral.blockSize, candidates.count)])
        }
        return joined
    }

    /// The fewest vertices of a warm start that ``append(contentsOf:)`` factors with
    /// Householder reflections at once.
    static let smallestHouseholderStart = 16

    /// Starts an empty corral with all of `candidates` at once, from LAPACK's Householder QR of
    /// their bordered columns (`dgeqrf` and `dorgqr`: ~4·s²·(d + 1) − 4·s³/3 flops, blocked,
    /// where block Gram–Schmidt twice takes ~8·s²·(d + 1); the warm starts of rejected merges'
    /// suspects on a real layer hold ~380 vertices in d = 384); false (and no change) where a
    /// column is dependent by the test of ``accept(_:orthogonalized:coefficients:indexA:indexB:)``
    /// (|R_jj| is the length of column j's part orthogonal to the columns before it, the
    /// `rho` of that test), so that the caller appends them one by one, leaving those out.
    private mutating func appendByHouseholder(_ candidates: [CorralCandidate]) -> Bool {
        let m = height, s = candidates.count
        guard m >= s else { return false }
        let bordered = candidates.flatMap { self.bordered($0.vertex) }
        var factorQ = bordered
        var factorR = [Double](repeating: 0, count: s * s)
        let factored = factorQ.withUnsafeMutableBufferPointer { q in
            factorR.withUnsafeMutableBufferPointer { r in
                guard let q = q.baseAddress, let r = r.baseAddress else { return false }
                return householderQR(q, rows: m, columns: s, r: r)
            }
        }
        guard factored else { return false }
        let independent = bordered.withUnsafeBufferPointer { b in
            (0..<s).allSatisfy { column in
                let length = b.baseAddress.map { dot($0 + column * m, $0 + column * m, m) }?.squareRoot() ?? 0
                return abs(factorR[column * s + column]) > Corral.dependenceTolerance * length
            }
        }
        guard independent else { return false }
        // The signs of Gram–Schmidt: a positive diagonal (row j of R and column j of Q negated together).
        for j in 0..<s where factorR[j * s + j] < 0 {
            for column in j..<s { factorR[column * s + j] = -factorR[column * s + j] }
            for t in 0..<m { factorQ[j * m + t] = -factorQ[j * m + t] }
        }
        r = TriangularFactor(count: s) { p, column in factorR[column * s + p] }
        q = factorQ
        columns = bordered
        for candidate in candidates { list.append(candidate.indexA, candidate.indexB) }
        return true
    }

    /// One block of ``append(contentsOf:)``.
    private mutating func appendBlock(_ block: ArraySlice<CorralCandidate>) -> [Bool] {
        let m = height, k = size, n = block.count
        // The block's bordered columns, one after another, and what is left of them once
        // orthogonal to Q's k columns; coefficients[t·k + p] = Σ ⟨q_p, w_t⟩ over both passes.
        let columnsOfBlock = block.flatMap { bordered($0.vertex) }
        var w = columnsOfBlock
        var coefficients = [Double](repeating: 0, count: n * k)
        if k > 0 {
            var s = [Double](repeating: 0, count: n * k)
            q.withUnsafeBufferPointer { q in
                w.withUnsafeMutableBufferPointer { w in
                    s.withUnsafeMutableBufferPointer { s in
                        for _ in 0..<2 {
                            multiplyTransposed(UnsafeBufferPointer(w), rows: n, q, columns: k, dimension: m, into: s)
                            subtractProduct(UnsafeBufferPointer(s), rows: n, inner: k, q, columns: m, from: w)
                            for e in 0..<(n * k) { coefficients[e] += s[e] }
                        }
                    }
                }
            }
        }
        return block.indices.map { index in
            let t = index - block.startIndex
            var column = Array(w[t * m..<(t + 1) * m])
            // Against the block's own columns that joined, positions k..<size of Q.
            let own = orthogonalize(&column, against: k..<size)
            return accept(Array(columnsOfBlock[t * m..<(t + 1) * m]), orthogonalized: column,
                          coefficients: Array(coefficients[t * k..<(t + 1) * k]) + own,
                          indexA: block[index].indexA, indexB: block[index].indexB)
        }
    }

    /// The bordered column (√c, v).
    private func bordered(_ v: [Double]) -> [Double] {
        var b = [Double](repeating: 0, count: height)
        b[0] = border
        for t in 0..<dimension { b[t + 1] = v[t] }
        return b
    }

    /// Removes from `w` its components along Q's columns `range` (modified Gram–Schmidt,
    /// twice: "twice is enough" for orthogonality to rounding); their coefficients.
    private func orthogonalize(_ w: inout [Double], against range: Range<Int>) -> [Double] {
        let m = height
        var coefficients = [Double](repeating: 0, count: range.count)
        q.withUnsafeBufferPointer { q in
            w.withUnsafeMutableBufferPointer { w in
                for _ in 0..<2 {
                    for p in range {
                        let column = q.baseAddress! + p * m
                        let s = dot(column, w.baseAddress!, m)
                        coefficients[p - range.lowerBound] += s
                        axpy(-s, column, w.baseAddress!, m)
                    }
                }
            }
        }
        return coefficients
    }

    /// Appends bordered column `b`, whose component orthogonal to Q is `w` and whose
    /// coefficients along Q's columns are `coefficients`; false (and no change) when `w` is
    /// too short against `b` (the vertex is affinely dependent on the corral within rounding).
    private mutating func accept(_ b: [Double], orthogonalized w: [Double], coefficients: [Double],
                                 indexA i: Int, indexB j: Int) -> Bool {
        let rho = dot(w, w).squareRoot()
        guard rho > Corral.dependenceTolerance * dot(b, b).squareRoot() else { return false }
        r.append(computed: coefficients + [rho])
        q.append(contentsOf: w.map { $0 / rho })
        columns.append(contentsOf: b)
        list.append(i, j)
        return true
    }

    /// Removes the vertex at position `p`, restoring the factorisation with Givens rotations.
    mutating func remove(at p: Int) {
        let k = size, m = height
        var rotations: [(row: Int, cos: Double, sin: Double)] = []
        r.remove(at: p) { rotations.append(($0, $1, $2)) }
        // The same rotations of Q's columns (i, i + 1), in the same order.
        q.withUnsafeMutableBufferPointer { q in
            for (i, cs, sn) in rotations {
                let qi = i * m, qj = (i + 1) * m
                for t in 0..<m {
                    let x = q[qi + t], y = q[qj + t]
                    q[qi + t] = cs * x + sn * y
                    q[qj + t] = cs * y - sn * x
                }
            }
        }
        q.removeSubrange((k - 1) * m..<k * m)
        columns.removeSubrange(p * m..<(p + 1) * m)
        list.remove(at: p)
    }

    /// The affine weights α (Σα = 1) of the minimum-norm point of the corral's affine hull,
    /// or nil if rounding has made the system meaningless.
    func affineMinimizer() -> [Double]? {
        let k = size, m = height
        // u = R⁻¹ Qᵀ e₀; Qᵀ e₀ is the first entry of every column of Q.
        var u = r.solve((0..<k).map { q[$0 * m] })
        // One step of refinement on the residual e₀ − B u, which is computed from the
        // vertices themselves and so corrects the drift of Q and R over many updates.
        var residual = [Double](repeating: 0, count: m)
        residual[0] = 1
        var projected = [Double](repeating: 0, count: k)
        columns.withUnsafeBufferPointer { columns in
            q.withUnsafeBufferPointer { q in
                residual.withUnsafeMutableBufferPointer { residual in
                    let res = residual.baseAddress!
                    for p in 0..<k { axpy(-u[p], columns.baseAddress! + p * m, res, m) }
                    for p in 0..<k { projected[p] = dot(q.baseAddress! + p * m, res, m) }
                }
            }
        }
        let correction = r.solve(projected)
        for p in 0..<k { u[p] += correction[p] }
        let total = u.reduce(0, +)
        guard total > 0, total.isFinite else { return nil }
        return u.map { $0 / total }
    }
}

private func dot(_ u: [Double], _ v: [Double]) -> Double {
    u.withUnsafeBufferPointer { u in
        v.withUnsafeBufferPointer { v in dot(u.baseAddress!, v.baseAddress!, u.count) }
    }
}
