// The fast corral: the Cholesky factor of the corral's bordered Gram matrix instead of a QR
// factorisation of its bordered vertices.
//
// Corral.swift keeps Q explicitly: appending a vertex orthogonalises it twice against every
// column of Q, and each affine minimiser refines once against the vertices, so an
// iteration costs about 7·s·(d + 1) for s vertices in d dimensions. The minimiser only
// needs R, and R is also the Cholesky factor of BᵀB = c·11ᵀ + G (G the Gram matrix of the
// vertices): appending costs the s inner products of the new vertex (s·d) and a triangular
// solve (s²), the minimiser one triangular solve (R⁻ᵀ1 is kept up to date, see
// `onesSolution`), so an iteration costs about 2·s·d + 2·s², three to four times less
// where s ≪ d. The price is accuracy: forming BᵀB
// squares B's condition number, so nearly dependent vertices are rejected sooner (below
// ~1e-5 of a column's length instead of 1e-12) and the minimiser is less exact when the
// nearest points are very close compared with the spread of the sets. Solves on this corral
// are therefore checked: one that ends without a conclusive verdict (or, for a distance,
// without the accuracy asked for) is resumed on the QR corral from where it stopped (see
// `solveNearestPoints`), so every answer is at least as good as the QR corral's.

/// Wolfe's corral with the Cholesky factor of its bordered Gram matrix (see above).
struct GramCorral {
    let dimension: Int
    /// c, added to every entry of the Gram matrix (the border of every column, squared).
    let shift: Double
    /// A new vertex whose squared distance from the span of the others (bordered) is below
    /// this fraction of its squared length is treated as affinely dependent: rounding in
    /// the factor is of order 1e-16 of the squared lengths, so anything below ~1e-10 is noise.
    static let dependenceTolerance = 1e-10
    /// The fewest vertices of a warm start that ``append(contentsOf:)`` factors at once
    /// (LAPACK's `dpotrf`) instead of column by column.
    static let smallestBulkFactor = 16

    var list = VertexList()
    /// The vertices' coordinates, `dimension` values per slot; vertex p is in slot
    /// `slots[p]` (a removal moves no coordinates).
    private var vertices: [Double] = []
    /// The slot of each vertex, by position.
    private var slots = SlotTable()
    /// Upper-triangular R with RᵀR = c·11ᵀ + G, column-major with stride `capacity`.
    private var r = TriangularFactor()
    /// y with Rᵀy = 1, kept up to date as R changes (``affineMinimizer()`` needs it at every
    /// minor cycle): an appended column adds one entry (O(s)), a removal applies its Givens
    /// rotations to y and drops the last entry (O(s)), where solving again cost O(s²), a
    /// pass over R, which for the hundreds of vertices of a warm start no longer fits in the
    /// core's cache.
    ///
    /// Why the update holds: with R̃ the factor without column p, R̃ᵀy is 1 (its rows are
    /// those of Rᵀ but p); the rotations G make G·R̃ = [R′; 0], so R′ᵀ·(G·y)[..<s−1] =
    /// (G·R̃)ᵀ·(G·y) = R̃ᵀ·y = 1.
    private var onesSolution: [Double] = []

    init(dimension: Int, shift: Double) {
        self.dimension = dimension
        self.shift = shift
    }

    func currentPoint() -> [Double] {
        let d = dimension
        var x = [Double](repeating: 0, count: d)
        vertices.withUnsafeBufferPointer { v in
            x.withUnsafeMutableBufferPointer { x in
                for p in 0..<size { axpy(weights[p], v.baseAddress! + slots[p] * d, x.baseAddress!, d) }
            }
        }
        return x
    }

    mutating func append(_ v: [Double], indexA i: Int, indexB j: Int) -> Bool {
        let d = dimension, k = size
        // The new column of c·11ᵀ + G: c + ⟨v_p, v⟩ for the vertices, then c + ⟨v, v⟩.
        var column = [Double](repeating: 0, count: k + 1)
        vertices.withUnsafeBufferPointer { vertices in
            v.withUnsafeBufferPointer { v in
                for p in 0..<k { column[p] = shift + dot(vertices.baseAddress! + slots[p] * d, v.baseAddress!, d) }
                column[k] = shift + dot(v.baseAddress!, v.baseAddress!, d)
            }
        }
        guard appendColumn(column) else { return false }
        let (slot, isNew) = slots.append()
        if isNew {
            vertices.append(contentsOf: v)
        } else {
            vertices.replaceSubrange(slot * d..<(slot + 1) * d, with: v)
        }
        list.append(i, j)
        return true
    }

    /// Appends the vertices in order, as ``append(_:indexA:indexB:)`` one after another
    /// does, with their inner products from one `dsyrk` instead of s dot products per vertex
    /// (s²·d/2 products, which one by one cost more than the rest of a short warm solve).
    /// Into an empty corral, the factor of all of them at once (LAPACK's `dpotrf`, blocked)
    /// where none is dependent; else column by column, leaving the dependent ones out.
    mutating func append(contentsOf candidates: [CorralCandidate]) -> [Bool] {
        let d = dimension, k = size, total = size + candidates.count
        guard candidates.count > 1 else { return candidates.map { append($0.vertex, indexA: $0.indexA, indexB: $0.indexB) } }
        // The vertices by position, then the candidates.
        var all: [Double] = []
        all.reserveCapacity(total * d)
        for slot in slots.inPositionOrder { all.append(contentsOf: vertices[slot * d..<(slot + 1) * d]) }
        for candidate in candidates { all.append(contentsOf: candidate.vertex) }
        // gram[p·total + q] = ⟨v_p, v_q⟩ for p ≤ q.
        var gram = [Double](repeating: 0, count: total * total)
        all.withUnsafeBufferPointer { all in
            gram.withUnsafeMutableBufferPointer { gramUpperTriangle(all, count: total, dimension: d, into: $0) }
        }
        // Into an empty corral (a warm start), the whole factor at once where no vertex is
        // dependent; otherwise column by column, leaving the dependent ones out.
        let shift = self.shift
        if k == 0, candidates.count >= GramCorral.smallestBulkFactor,
           let factor = TriangularFactor.factoring(count: total, dependenceTolerance: GramCorral.dependenceTolerance,
                                                   column: { p, q in shift + gram[p * total + q] }) {
            r = factor
            onesSolution = r.solveTransposed([Double](repeating: 1, count: total))
            for candidate in candidates { list.append(candidate.indexA, candidate.indexB) }
            vertices = all
            slots = SlotTable(count: total)
            return [Bool](repeating: true, count: total)
        }
        var kept = Array(0..<k)
        let joined = candidates.enumerated().map { offset, candidate in
            let position = k + offset
            var column = kept.map { shift + gram[$0 * total + position] }
            column.append(shift + gram[position * total + position])
            guard appendColumn(column) else { return false }
            list.append(candidate.indexA, candidate.indexB)
            kept.append(position)
            return true
        }
        // The joined vertices' coordinates: `all` itself where every one joined.
        vertices = kept.count == total ? all : kept.flatMap { all[$0 * d..<($0 + 1) * d] }
        slots = SlotTable(count: kept.count)
        return joined
    }

    /// Appends a column of c·11ᵀ + G to R (``TriangularFactor/append(_:dependenceTolerance:)``)
    /// and the matching entry of y = R⁻ᵀ1; false (and no change) for a dependent vertex.
    private mutating func appendColumn(_ column: [Double]) -> Bool {
        guard r.append(column, dependenceTolerance: GramCorral.dependenceTolerance) else { return false }
        // Row k of Rᵀy = 1: Σ_{p<k} R[p, k]·y_p + R[k, k]·y_k = 1.
        let k = r.size - 1
        var sum = 0.0
        for p in 0..<k { sum += r.entry(p, k) * onesSolution[p] }
        onesSolution.append((1 - sum) / r.entry(k, k))
        return true
    }

    mutating func remove(at p: Int) {
        // The rotations of rows (i, i + 1) that restore R, applied to y in the same order.
        onesSolution.withUnsafeMutableBufferPointer { y in
            r.remove(at: p) { i, cs, sn in
                let (a, b) = (y[i], y[i + 1])
                y[i] = cs * a + sn * b
                y[i + 1] = cs * b - sn * a
            }
        }
        onesSolution.removeLast()
        slots.remove(at: p)
        list.remove(at: p)
    }

    func affineMinimizer() -> [Double]? {
        // u = (RᵀR)⁻¹ 1 = R⁻¹y, normalised to sum 1.
        let u = r.solve(onesSolution)
        let total = u.reduce(0, +)
        guard total > 0, total.isFinite else { return nil }
        return u.map { $0 / total }
    }
}
