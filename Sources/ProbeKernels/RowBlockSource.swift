/// Something that yields contiguous row-major float32 blocks of rows.
///
/// The kernels in this module call `readRows` only from the thread that called the
/// kernel, one call at a time, so a source need not be thread-safe; a source shared
/// by kernel calls running concurrently on different threads must be.
public protocol RowBlockSource {
    /// The number of rows.
    var rowCount: Int { get }
    /// The number of floats in each row.
    var dimension: Int { get }
    /// Copies the rows in `rows`, row-major, into the first `rows.count * dimension`
    /// floats of `buffer`.
    func readRows(_ rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws
    /// Copies the rows at `indices`, in that order, row-major, into `buffer`.
    ///
    /// The default reads each run of consecutive indices with one `readRows` call;
    /// a source that can gather scattered rows faster (a hyperslab selection) overrides it.
    func readRows(at indices: ArraySlice<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws
}

extension RowBlockSource {
    /// Reads the rows at `indices` run by run of consecutive indices.
    public func readRows(at indices: ArraySlice<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        let d = dimension
        var start = indices.startIndex
        var written = 0
        while start < indices.endIndex {
            var end = start + 1
            while end < indices.endIndex, indices[end] == indices[end - 1] + 1 { end += 1 }
            let first = indices[start]
            let count = end - start
            let slice = UnsafeMutableBufferPointer(rebasing: buffer[(written * d)..<((written + count) * d)])
            try readRows(first..<(first + count), into: slice)
            written += count
            start = end
        }
    }
}

/// An error raised by a kernel on inconsistent input: mismatched shapes or
/// out-of-range row indices.
public struct KernelError: Error, CustomStringConvertible, Sendable {
    /// What was wrong, with the numbers involved.
    public let message: String

    /// Creates an error with a message a user can act on.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// An in-memory row-major float32 matrix that is a `RowBlockSource`.
///
/// A value type; safe to share between threads.
public struct DenseRows: RowBlockSource, Sendable {
    /// The number of rows.
    public let rowCount: Int
    /// The number of floats in each row.
    public let dimension: Int
    /// The `rowCount * dimension` floats, row after row.
    public let values: [Float]

    /// Creates a matrix from `values` laid out row-major with `dimension` floats a row.
    public init(dimension: Int, values: [Float]) throws {
        guard dimension > 0 else {
            if values.isEmpty { self.init(uncheckedRows: 0, dimension: 0, values: []); return }
            throw KernelError("DenseRows: dimension 0 with \(values.count) values")
        }
        guard values.count % dimension == 0 else {
            throw KernelError("DenseRows: \(values.count) values is not a whole number of rows of dimension \(dimension)")
        }
        self.init(uncheckedRows: values.count / dimension, dimension: dimension, values: values)
    }

    /// Creates a matrix from rows that must all have `dimension` floats.
    public init(rows: [[Float]], dimension: Int) throws {
        var values: [Float] = []
        values.reserveCapacity(rows.count * dimension)
        for (i, row) in rows.enumerated() {
            guard row.count == dimension else {
                throw KernelError("DenseRows: row \(i) has \(row.count) values, expected \(dimension)")
            }
            values.append(contentsOf: row)
        }
        self.init(uncheckedRows: rows.count, dimension: dimension, values: values)
    }

    private init(uncheckedRows: Int, dimension: Int, values: [Float]) {
        self.rowCount = uncheckedRows
        self.dimension = dimension
        self.values = values
    }

    /// The floats of row `i`.
    public func row(_ i: Int) -> ArraySlice<Float> {
        values[(i * dimension)..<((i + 1) * dimension)]
    }

    /// Copies the rows in `rows` into `buffer`.
    public func readRows(_ rows: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        guard rows.lowerBound >= 0, rows.upperBound <= rowCount else {
            throw KernelError("DenseRows: rows \(rows) out of 0..<\(rowCount)")
        }
        let count = rows.count * dimension
        guard buffer.count >= count else {
            throw KernelError("DenseRows: buffer of \(buffer.count) floats for \(rows.count) rows of \(dimension)")
        }
        guard count > 0, let destination = buffer.baseAddress else { return }
        values.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            destination.update(from: base + rows.lowerBound * dimension, count: count)
        }
    }
}

/// A set of points: every row of a source, or the rows at a list of indices
/// (a cluster's members), read block by block.
///
/// Kernels report positions in the set (0..<count), not source row numbers; map
/// them back through `rowIndex(at:)`.
public struct PointSet {
    /// Where the rows come from.
    public let source: any RowBlockSource
    /// The source rows in the set, in order; `nil` means all rows.
    public let indices: [Int]?

    /// Creates the set of all rows of `source`, or of the rows at `indices`.
    ///
    /// Throws if an index is outside the source. Indices may repeat (a repeated
    /// row is a duplicate point).
    public init(_ source: any RowBlockSource, indices: [Int]? = nil) throws {
        if let indices {
            let n = source.rowCount
            if let bad = indices.first(where: { $0 < 0 || $0 >= n }) {
                throw KernelError("PointSet: row index \(bad) out of 0..<\(n)")
            }
        }
        self.source = source
        self.indices = indices
    }

    /// The number of points.
    public var count: Int { indices?.count ?? source.rowCount }
    /// The number of floats in each point.
    public var dimension: Int { source.dimension }

    /// The source row of the point at `position`.
    public func rowIndex(at position: Int) -> Int { indices?[position] ?? position }

    /// Reads the points at `positions` into `buffer`, row-major.
    func read(_ positions: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        if positions.isEmpty { return }
        if let indices {
            try source.readRows(at: indices[positions], into: buffer)
        } else {
            try source.readRows(positions, into: buffer)
        }
    }
}
