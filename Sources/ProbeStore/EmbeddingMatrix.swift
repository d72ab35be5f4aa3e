import Foundation

/// Read access to one float32 `(n, d)` embeddings dataset of a store, a block at a time.
///
/// Every later stage reads embeddings only through this type. A contiguous, uncompressed
/// dataset is memory-mapped (the kernel pages it in and out; nothing is copied into
/// anonymous memory); any other dataset is read with HDF5 hyperslabs of whole row ranges.
/// Reads are thread-safe: the mapped path is lock-free, the HDF5 path is serialised.
public final class EmbeddingMatrix: @unchecked Sendable {
    /// The store file.
    public let path: String
    /// The dataset's name in the store.
    public let dataset: String
    /// Number of rows (vectors).
    public let rowCount: Int
    /// Values per row.
    public let dimension: Int
    /// Rows per read when gathering from a compressed dataset (about 1 MiB).
    let gatherWindowRows: Int

    private let file: H5File
    private let handle: H5Dataset
    private let mapping: UnsafeMutableRawPointer?
    private let mappingLength: Int
    private let rowsBase: UnsafePointer<Float>?

    /// Opens `dataset` in the store at `path`; `allowMemoryMap: false` forces HDF5 reads.
    public init(path: String, dataset: String, allowMemoryMap: Bool = true) throws {
        self.path = path
        self.dataset = dataset
        file = try H5File.open(path: path)
        guard file.exists(dataset), file.isDataset(dataset) else {
            throw InputError(file: path, "no dataset \(dataset) in this store")
        }
        handle = try file.openDataset(dataset)
        guard try handle.isFloatingPoint() else {
            throw InputError(file: path, "dataset \(dataset) does not hold floating-point values")
        }
        let shape = try handle.shape()
        guard shape.columns > 0 else {
            throw InputError(file: path, "dataset \(dataset) has \(shape.rows) rows of 0 values; embeddings need at least one value per row (write the vectors again)")
        }
        rowCount = shape.rows
        dimension = shape.columns
        gatherWindowRows = max(1, (1 << 20) / max(1, dimension * 4))

        var mapping: UnsafeMutableRawPointer? = nil
        var length = 0
        var base: UnsafePointer<Float>? = nil
        let bytes = rowCount * dimension * MemoryLayout<Float>.size
        if allowMemoryMap, bytes > 0, let offset = handle.contiguousFloat32Offset() {
            let page = Int(sysconf(Int32(_SC_PAGESIZE)))
            let alignedOffset = offset / page * page
            length = bytes + (offset - alignedOffset)
            let fd = open(path, O_RDONLY)
            if fd >= 0 {
                let address = mmap(nil, length, PROT_READ, MAP_SHARED, fd, off_t(alignedOffset))
                close(fd)
                if let address, address != MAP_FAILED {
                    mapping = address
                    base = UnsafePointer((address + (offset - alignedOffset)).assumingMemoryBound(to: Float.self))
                }
            }
        }
        self.mapping = mapping
        self.mappingLength = length
        self.rowsBase = base
    }

    deinit {
        if let mapping { munmap(mapping, mappingLength) }
    }

    /// Whether reads come straight from a memory mapping of the file.
    public var isMemoryMapped: Bool { rowsBase != nil }

    /// Asks the kernel to start reading `rows` from disk now (mapped matrices only), so that
    /// the next block is on its way while the current one is computed.
    public func prefetch(_ rows: Range<Int>) {
        guard let rowsBase, let mapping, !rows.isEmpty else { return }
        let clamped = max(0, rows.lowerBound)..<min(rowCount, rows.upperBound)
        guard !clamped.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = UnsafeRawPointer(rowsBase + clamped.lowerBound * dimension)
        let end = UnsafeRawPointer(rowsBase + clamped.upperBound * dimension)
        let mappingStart = UnsafeRawPointer(mapping)
        let alignedOffset = (mappingStart.distance(to: start) / page) * page
        let alignedStart = mappingStart + alignedOffset
        madvise(UnsafeMutableRawPointer(mutating: alignedStart), alignedStart.distance(to: end), MADV_WILLNEED)
    }

    /// Copies rows `range` into `buffer` (row-major, `range.count × dimension`).
    public func readRows(_ range: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        precondition(range.lowerBound >= 0 && range.upperBound <= rowCount, "rows \(range) outside 0..<\(rowCount)")
        precondition(buffer.count >= range.count * dimension)
        if let rowsBase {
            buffer.baseAddress!.update(from: rowsBase + range.lowerBound * dimension, count: range.count * dimension)
        } else {
            try handle.readRows(firstRow: range.lowerBound, rowCount: range.count, columns: dimension, into: buffer)
        }
    }

    /// Calls `body` with rows `range` without copying when the matrix is mapped, else via a temporary buffer.
    public func withRows<R>(_ range: Range<Int>, _ body: (UnsafeBufferPointer<Float>) throws -> R) throws -> R {
        if let rowsBase {
            return try body(UnsafeBufferPointer(start: rowsBase + range.lowerBound * dimension, count: range.count * dimension))
        }
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: range.count * dimension)
        defer { buffer.deallocate() }
        try readRows(range, into: buffer)
        return try body(UnsafeBufferPointer(buffer))
    }

    /// Copies the given rows, in the given order, into `buffer` (`rows.count × dimension`).
    ///
    /// From HDF5, rows are read in ascending windows of about 1 MiB so that each chunk is
    /// decompressed once, whatever the order of `rows`.
    public func gatherRows(_ rows: [Int], into buffer: UnsafeMutableBufferPointer<Float>) throws {
        precondition(buffer.count >= rows.count * dimension)
        let d = dimension
        if let rowsBase {
            for (slot, row) in rows.enumerated() {
                precondition(row >= 0 && row < rowCount, "row \(row) outside 0..<\(rowCount)")
                (buffer.baseAddress! + slot * d).update(from: rowsBase + row * d, count: d)
            }
            return
        }
        let order = rows.indices.sorted { rows[$0] < rows[$1] }
        let window = UnsafeMutableBufferPointer<Float>.allocate(capacity: gatherWindowRows * d)
        defer { window.deallocate() }
        var position = 0
        while position < order.count {
            let first = rows[order[position]]
            precondition(first >= 0 && first < rowCount, "row \(first) outside 0..<\(rowCount)")
            var last = position
            while last + 1 < order.count && rows[order[last + 1]] < first + gatherWindowRows { last += 1 }
            let span = first..<(rows[order[last]] + 1)
            precondition(span.upperBound <= rowCount, "row \(span.upperBound - 1) outside 0..<\(rowCount)")
            try handle.readRows(firstRow: span.lowerBound, rowCount: span.count, columns: d, into: window)
            for k in position...last {
                let row = rows[order[k]]
                (buffer.baseAddress! + order[k] * d).update(from: window.baseAddress! + (row - first) * d, count: d)
            }
            position = last + 1
        }
    }

    /// Iterates over the matrix in consecutive blocks of `rows` rows (the last may be shorter).
    ///
    /// The block's buffer is reused: it is valid only inside `body`.
    public func forEachBlock(rows blockRows: Int, _ body: (Range<Int>, UnsafeBufferPointer<Float>) throws -> Void) throws {
        let step = max(1, blockRows)
        if let rowsBase {
            var start = 0
            while start < rowCount {
                let range = start..<min(rowCount, start + step)
                prefetch(range.upperBound..<(range.upperBound + step))
                try body(range, UnsafeBufferPointer(start: rowsBase + start * dimension, count: range.count * dimension))
                start = range.upperBound
            }
            return
        }
        let buffer = UnsafeMutableBufferPointer<Float>.allocate(capacity: min(step, max(rowCount, 1)) * dimension)
        defer { buffer.deallocate() }
        var start = 0
        while start < rowCount {
            let range = start..<min(rowCount, start + step)
            try handle.readRows(firstRow: range.lowerBound, rowCount: range.count, columns: dimension, into: buffer)
            try body(range, UnsafeBufferPointer(rebasing: buffer[0..<(range.count * dimension)]))
            start = range.upperBound
        }
    }
}

/// A probe store opened for reading: labels, entities and the embeddings datasets.
public final class ProbeStoreFile: @unchecked Sendable {
    /// The store's path.
    public let path: String
    private let file: H5File

    /// Opens a store written by `probe-convert`.
    public init(path: String) throws {
        self.path = path
        guard FileManager.default.fileExists(atPath: path) else { throw InputError(file: path, "no such file") }
        file = try H5File.open(path: path)
    }

    /// The task's label set.
    public func labels() throws -> LabelSet {
        guard file.exists(StoreLayout.labels) else { throw InputError(file: path, "no \(StoreLayout.labels) dataset: not a task store") }
        let column = try file.openColumn(StoreLayout.labels, kind: .string)
        return LabelSet(try column.readStrings(0..<column.count()))
    }

    /// Splits that have entities.
    public func splits() throws -> [String] {
        guard file.exists("/entities") else { return [] }
        return try file.children(of: "/entities")
    }

    /// The label index of every entity of `split`, in order.
    public func entityLabels(split: String) throws -> [Int32] {
        let name = StoreLayout.entityLabels(split)
        guard file.exists(name) else { throw InputError(file: path, "no entities for split '\(split)' (\(name))") }
        let column = try file.openColumn(name, kind: .int32)
        return try column.readInt32(0..<column.count())
    }

    /// The entity texts of `split`, in order.
    public func entityTexts(split: String) throws -> [String] {
        let name = StoreLayout.entityText(split)
        guard file.exists(name) else { throw InputError(file: path, "no entities for split '\(split)' (\(name))") }
        let column = try file.openColumn(name, kind: .string)
        return try column.readStrings(0..<column.count())
    }

    /// Every embeddings dataset's key (path under `/embeddings`), in natural order.
    public func embeddingKeys() throws -> [String] {
        guard file.exists(StoreLayout.embeddingsGroup) else { return [] }
        var keys: [String] = []
        func walk(_ prefix: String) throws {
            for child in try file.children(of: StoreLayout.embeddings(prefix).replacingOccurrences(of: "//", with: "/")) {
                let key = prefix.isEmpty ? child : "\(prefix)/\(child)"
                if file.isDataset(StoreLayout.embeddings(key)) { keys.append(key) } else { try walk(key) }
            }
        }
        try walk("")
        return keys.sorted(by: naturalOrder)
    }

    /// Opens the embeddings dataset at `key` (or an absolute dataset path starting with `/`).
    public func matrix(_ key: String, allowMemoryMap: Bool = true) throws -> EmbeddingMatrix {
        try EmbeddingMatrix(path: path, dataset: key.hasPrefix("/") ? key : StoreLayout.embeddings(key), allowMemoryMap: allowMemoryMap)
    }

    /// A string attribute of an object in the store (root by default).
    public func attribute(_ key: String, on object: String = "/") throws -> String? {
        try file.stringAttribute(key, on: object)
    }
}
