// What Wolfe's minor cycle needs of a corral, and the minor cycle itself, shared by the
// nearest-point solver's corrals (Corral, GramCorral) and PointHull's Gram-space corral.

/// Vertices with convex weights, and their affine minimum-norm point.
protocol AffineCorral {
    /// The number of vertices.
    var size: Int { get }
    /// Convex weights λ of the current point x = Σ λ_p v_p.
    var weights: [Double] { get set }
    /// Removes the vertex at position `p`.
    mutating func remove(at p: Int)
    /// The affine weights α (Σα = 1) of the minimum-norm point of the corral's affine hull,
    /// or nil if rounding has made the system meaningless.
    func affineMinimizer() -> [Double]?
}

/// What Wolfe's iterations need of a corral: difference vertices a_i − b_j with convex
/// weights, and their affine minimum-norm point.
protocol WolfeCorral: AffineCorral {
    /// An empty corral for vertices of `dimension` coordinates, bordered with √`shift`.
    init(dimension: Int, shift: Double)
    /// The vertices by their points, with their weights.
    var list: VertexList { get set }
    /// x = Σ λ_p v_p.
    func currentPoint() -> [Double]
    /// Appends vertex `v` = a_i − b_j with weight 0; false (and no change) if `v` is
    /// numerically in the affine hull of the corral.
    mutating func append(_ v: [Double], indexA i: Int, indexB j: Int) -> Bool
    /// Appends the vertices in order, as ``append(_:indexA:indexB:)`` one after another
    /// does (up to rounding); whether each joined. A warm start hands over hundreds of
    /// vertices at once, and both corrals build their factors for them in bulk.
    mutating func append(contentsOf candidates: [CorralCandidate]) -> [Bool]
}

/// A vertex a_i − b_j offered to a corral: its coordinates and its points.
struct CorralCandidate {
    let vertex: [Double]
    let indexA: Int
    let indexB: Int
}

/// The vertices a_i − b_j of a corral by their points i and j, with their convex weights.
struct VertexList {
    /// The point of A of each vertex.
    private(set) var indexA: [Int] = []
    /// The point of B of each vertex.
    private(set) var indexB: [Int] = []
    /// The vertices' convex weights.
    var weights: [Double] = []

    /// Whether vertex a_i − b_j is listed.
    func contains(_ i: Int, _ j: Int) -> Bool {
        for p in indexA.indices where indexA[p] == i && indexB[p] == j { return true }
        return false
    }

    /// Lists a_i − b_j with weight 0.
    mutating func append(_ i: Int, _ j: Int) {
        indexA.append(i)
        indexB.append(j)
        weights.append(0)
    }

    /// Removes the vertex at position `p`.
    mutating func remove(at p: Int) {
        indexA.remove(at: p)
        indexB.remove(at: p)
        weights.remove(at: p)
    }
}

extension WolfeCorral {
    /// The number of vertices.
    var size: Int { list.indexA.count }
    /// The point of A of each vertex.
    var indexA: [Int] { list.indexA }
    /// The point of B of each vertex.
    var indexB: [Int] { list.indexB }
    /// Convex weights λ of the current point x = Σ λ_p v_p.
    var weights: [Double] {
        get { list.weights }
        set { list.weights = newValue }
    }

    /// Whether vertex a_i − b_j is in the corral.
    func contains(_ i: Int, _ j: Int) -> Bool { list.contains(i, j) }
}

extension Corral: WolfeCorral {}

extension GramCorral: WolfeCorral {}

/// Moves the weights to the affine minimiser of the corral, dropping vertices on the way, as
/// in Wolfe's minor cycle; false if rounding left no meaningful minimiser (the weights stay convex).
func minorCycle<C: AffineCorral>(_ corral: inout C) -> Bool {
    while true {
        guard let alpha = corral.affineMinimizer() else { return false }
        if alpha.allSatisfy({ $0 > 0 }) {
            corral.weights = alpha
            return true
        }
        // Step from λ towards α until the first weight reaches zero.
        var theta = 1.0
        var leaving = -1
        for p in 0..<corral.size where alpha[p] <= 0 {
            let lambda = corral.weights[p]
            let step = lambda - alpha[p] > 0 ? lambda / (lambda - alpha[p]) : 0
            if step < theta || leaving < 0 {
                theta = step
                leaving = p
            }
        }
        var weights = corral.weights
        for p in 0..<corral.size { weights[p] = theta * alpha[p] + (1 - theta) * weights[p] }
        weights[leaving] = 0
        corral.weights = weights
        for p in stride(from: corral.size - 1, through: 0, by: -1) where !(corral.weights[p] > 0) {
            corral.remove(at: p)
        }
        guard corral.size > 0 else { return false }
        let total = corral.weights.reduce(0, +)
        corral.weights = corral.weights.map { $0 / total }
    }
}
