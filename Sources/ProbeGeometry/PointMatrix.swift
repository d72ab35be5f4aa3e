/// Points as rows of a row-major float32 matrix, optionally a selection of its rows.
///
/// The storage is a copy-on-write array, so a view made with ``selecting(rows:)`` shares
/// the coordinates of the matrix it came from: a cluster can be handed to the solvers as
/// a list of row numbers into one large embedding matrix without copying any vector.
/// Point `i` of a view is storage row `rowIndices[i]`; solver results (for example
/// ``HullSeparation/weightsA``) index points of the view, `0..<count`.
public struct PointMatrix: Sendable {
    /// The number of points in this view.
    public let count: Int
    /// The number of coordinates of each point.
    public let dimension: Int
    /// The row-major storage of the whole backing matrix, `dimension` values per row.
    public let values: [Float]
    /// The storage rows this view selects, in order; `nil` selects every row in order.
    public let rowIndices: [Int]?
    /// The points' centroid, radius and largest norm, when computed by ``summarized()``.
    public let summary: PointSummary?

    /// Wraps `values` as `count` rows of `dimension` floats each (no copy).
    ///
    /// - Precondition: `values.count == count * dimension`, both non-negative.
    public init(count: Int, dimension: Int, values: [Float]) {
        precondition(count >= 0 && dimension >= 0, "PointMatrix: negative shape \(count)×\(dimension)")
        precondition(
            values.count == count * dimension,
            "PointMatrix: \(values.count) values do not fill \(count) rows of \(dimension)")
        self.count = count
        self.dimension = dimension
        self.values = values
        self.rowIndices = nil
        self.summary = nil
    }

    /// Packs an array of equally long rows into a matrix.
    ///
    /// - Precondition: every row has the length of the first one.
    public init(rows: [[Float]]) {
        let dimension = rows.first?.count ?? 0
        var values: [Float] = []
        values.reserveCapacity(rows.count * dimension)
        for (index, row) in rows.enumerated() {
            precondition(
                row.count == dimension,
                "PointMatrix: row \(index) has \(row.count) values, row 0 has \(dimension)")
            values.append(contentsOf: row)
        }
        self.init(count: rows.count, dimension: dimension, values: values)
    }

    private init(dimension: Int, values: [Float], rowIndices: [Int]?, summary: PointSummary? = nil) {
        self.count = rowIndices?.count ?? (dimension > 0 ? values.count / dimension : 0)
        self.dimension = dimension
        self.values = values
        self.rowIndices = rowIndices
        self.summary = summary
    }

    /// The same points with their summary (centroid, radius, largest norm) computed once, so
    /// that the solvers do not recompute it for every pair this set takes part in.
    public func summarized() -> PointMatrix {
        guard summary == nil, count > 0, dimension > 0 else { return self }
        let (centroid, radius, largest) = withRows { $0.centroidRadiusAndLargestNorm() }
        return PointMatrix(dimension: dimension, values: values, rowIndices: rowIndices,
                           summary: PointSummary(centroid: centroid, radius: radius, largestNorm: largest))
    }

    /// A view of some points of this view, by their positions `0..<count`, sharing storage.
    ///
    /// - Precondition: every index is in `0..<count`.
    public func selecting(rows indices: [Int]) -> PointMatrix {
        var storageRows = [Int]()
        storageRows.reserveCapacity(indices.count)
        for index in indices {
            precondition(index >= 0 && index < count, "PointMatrix: row \(index) outside 0..<\(count)")
            storageRows.append(storageRow(index))
        }
        return PointMatrix(dimension: dimension, values: values, rowIndices: storageRows)
    }

    /// The storage row holding point `index` of this view.
    @inline(__always)
    public func storageRow(_ index: Int) -> Int {
        rowIndices?[index] ?? index
    }

    /// The coordinates of point `index` of this view.
    public func point(_ index: Int) -> ArraySlice<Float> {
        let start = storageRow(index) * dimension
        return values[start..<(start + dimension)]
    }
}

/// The centroid (float64), the radius (largest distance to the centroid) and the largest
/// norm of a point set: what the solvers start from.
public struct PointSummary: Sendable {
    /// The mean of the points.
    public let centroid: [Double]
    /// The largest distance of a point to the centroid.
    public let radius: Double
    /// The largest Euclidean norm of a point.
    public let largestNorm: Double
}
