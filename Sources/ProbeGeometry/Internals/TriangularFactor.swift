// The triangular factor both corrals keep (see Corral.swift and GramCorral.swift).

/// An upper-triangular factor R that grows by columns and loses columns, column-major with
/// stride `capacity`, each column in a slot of its own: R[row, col] =
/// storage[slots[col]·capacity + row].
///
/// Slots, not positions: removing a column restores the triangle with Givens rotations in
/// the columns after it, and in positions each of those columns first moved one place left
/// (up to half the factor copied per removal: a third of the removal's time on a real layer,
/// where corrals hold hundreds of vertices). The arithmetic is the same either way.
struct TriangularFactor {
    private(set) var size = 0
    private var storage: [Double] = []
    private var capacity = 0
    /// The slot of each column, by position.
    private var slots = SlotTable()

    init() {}

    /// A factor of `count` columns whose entry (p, q), p ≤ q, is `entry(p, q)`, at the
    /// capacity appends would have grown it to (8, doubled as needed).
    init(count: Int, entry: (Int, Int) -> Double) {
        var n = 8
        while n < count { n *= 2 }
        capacity = n
        storage = [Double](repeating: 0, count: n * n)
        for q in 0..<count {
            for p in 0...q { storage[q * n + p] = entry(p, q) }
        }
        size = count
        slots = SlotTable(count: count)
    }

    private mutating func grow() {
        let newCapacity = max(8, capacity * 2)
        var newStorage = [Double](repeating: 0, count: newCapacity * newCapacity)
        // Each column keeps its slot (a factor is full, with no free slot, when it grows).
        for (c, slot) in slots.inPositionOrder.enumerated() {
            for row in 0...c { newStorage[slot * newCapacity + row] = storage[slot * capacity + row] }
        }
        storage = newStorage
        capacity = newCapacity
    }

    /// Appends the column that makes RᵀR gain `column` (its entries against the existing
    /// columns, then its diagonal); false (and no change) when the new diagonal entry, squared,
    /// is at most `dependenceTolerance` times `column`'s last entry.
    mutating func append(_ column: [Double], dependenceTolerance: Double) -> Bool {
        let k = size
        let z = solveTransposed(Array(column[0..<k]))
        let diagonal = column[k]
        let rest = diagonal - z.reduce(0) { $0 + $1 * $1 }
        guard diagonal > 0, rest > dependenceTolerance * diagonal else { return false }
        append(computed: z + [rest.squareRoot()])
        return true
    }

    /// Removes column `p` and restores the triangle with Givens rotations of rows (i, i + 1),
    /// each also handed to `rotate(i, cos, sin)` (the QR corral rotates Q's columns with them).
    ///
    /// The rotations are applied column by column: each column gets the rotations found so
    /// far, in order, and then gives the next one. Every entry sees the same operations in the
    /// same order as when each rotation sweeps the columns in turn, so the factor is the same
    /// to the bit; but a column is contiguous, while a sweep of rows (i, i + 1) across the
    /// columns strides by `capacity`, a multiple of 4 KiB, where every access missed the cache
    /// (a warm start's corral holds up to d + 1 vertices, and its first minor cycle drops many).
    mutating func remove(at p: Int, rotate: (Int, Double, Double) -> Void) {
        let k = size, n = capacity
        slots.remove(at: p)
        guard k - 1 > p else {
            size -= 1
            return
        }
        var cosines = [Double](repeating: 0, count: k - 1 - p), sines = [Double](repeating: 0, count: k - 1 - p)
        // Raw pointers: this runs once per dropped vertex over O(k²) entries of R.
        storage.withUnsafeMutableBufferPointer { r in
            cosines.withUnsafeMutableBufferPointer { cosines in
                sines.withUnsafeMutableBufferPointer { sines in
                    for c in p..<(k - 1) {
                        // R without column p is upper Hessenberg from column p on: column c is
                        // now the one that was c + 1 (rows 0...c + 1), in its own slot.
                        let column = slots[c] * n
                        // The rotations of rows (i, i + 1) found so far, in order.
                        for i in p..<c {
                            let cs = cosines[i - p], sn = sines[i - p]
                            let x = r[column + i], y = r[column + i + 1]
                            r[column + i] = cs * x + sn * y
                            r[column + i + 1] = cs * y - sn * x
                        }
                        // This column's own rotation zeroes its entry below the diagonal.
                        let a = r[column + c], b = r[column + c + 1]
                        let h = (a * a + b * b).squareRoot()
                        let cs = a / h, sn = b / h
                        r[column + c] = cs * a + sn * b
                        r[column + c + 1] = 0
                        cosines[c - p] = cs
                        sines[c - p] = sn
                        rotate(c, cs, sn)
                    }
                }
            }
        }
        size -= 1
    }

    /// The factor of a whole matrix at once, `column(p, q)` giving its entry (p, q) for p ≤ q
    /// (`count` columns), from LAPACK's blocked Cholesky factorisation; nil where a column is
    /// dependent by the test of ``append(_:dependenceTolerance:)`` (its diagonal entry, squared,
    /// at most `dependenceTolerance` times the matrix's diagonal entry), or A is not positive
    /// definite. Column-by-column appends make the same factor but for rounding, with s³/6
    /// multiply–adds in s triangular solves of growing length, several times slower for the
    /// hundreds of columns of a warm start.
    static func factoring(count: Int, dependenceTolerance: Double, column: (Int, Int) -> Double) -> TriangularFactor? {
        // The matrix's upper triangle, factored in place.
        var factor = TriangularFactor(count: count, entry: column)
        // A new factor: column q is in slot q.
        let n = factor.capacity
        let diagonal = (0..<count).map { factor.storage[$0 * n + $0] }
        guard diagonal.allSatisfy({ $0 > 0 }) else { return nil }
        let factored = factor.storage.withUnsafeMutableBufferPointer { storage in
            storage.baseAddress.map { choleskyUpper($0, count: count, stride: n) } ?? false
        }
        guard factored else { return nil }
        for q in 0..<count {
            let entry = factor.storage[q * n + q]
            guard entry * entry > dependenceTolerance * diagonal[q] else { return nil }
        }
        return factor
    }

    /// Appends a column computed elsewhere: its `size` entries above the diagonal, then the
    /// (positive) diagonal entry.
    mutating func append(computed column: [Double]) {
        let k = size
        if k == capacity { grow() }
        let slot = slots.append().slot
        for p in 0...k { storage[slot * capacity + p] = column[p] }
        size += 1
    }

    /// Entry (row, column) of R (zero below the diagonal).
    func entry(_ row: Int, _ column: Int) -> Double {
        row <= column && column < size ? storage[slots[column] * capacity + row] : 0
    }

    /// Solves R u = z by back substitution.
    func solve(_ z: [Double]) -> [Double] {
        let k = size, n = capacity
        var u = z
        // Column by column: R is stored by columns, so each update reads one column
        // contiguously (a row-wise sweep would stride through memory by `capacity`).
        storage.withUnsafeBufferPointer { r in
            u.withUnsafeMutableBufferPointer { u in
                guard let r = r.baseAddress, let u = u.baseAddress else { return }
                for column in stride(from: k - 1, through: 0, by: -1) {
                    let start = slots[column] * n
                    let value = u[column] / r[start + column]
                    u[column] = value
                    axpy(-value, r + start, u, column)
                }
            }
        }
        return u
    }

    /// Solves Rᵀ y = z by forward substitution (`z.count` ≤ size leading entries).
    func solveTransposed(_ z: [Double]) -> [Double] {
        let n = capacity
        var y = z
        storage.withUnsafeBufferPointer { r in
            y.withUnsafeMutableBufferPointer { y in
                guard let r = r.baseAddress, let y = y.baseAddress else { return }
                // Row q of Rᵀ is column q of R: contiguous.
                for q in 0..<z.count {
                    let start = slots[q] * n
                    let sum = y[q] - dot(r + start, UnsafePointer(y), q)
                    y[q] = sum / r[start + q]
                }
            }
        }
        return y
    }
}
