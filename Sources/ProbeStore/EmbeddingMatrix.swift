import Foundation

/// Read access to one float32 `(n, d)` embeddings matrix, a block at a time: a dataset of a
/// store, or a float32 `.npy` file.
///
/// Every later stage reads embeddings only through this type. Uncompressed data is
/// memory-mapped (the kernel pages it in and out; nothing is copied into anonymous memory):
/// a contiguous dataset or a `.npy` file as one run of rows, a chunked dataset through its
/// chunk map (chunks that follow each other in the file form one run). A block of rows that
/// lies in one run is handed out without copying; one that spans two runs is copied once.
/// Compressed datasets are read with HDF5 hyperslabs of whole row ranges.
/// Reads are thread-safe: the mapped paths are lock-free, the HDF5 path is serialised.
public final class EmbeddingMatrix: Sendable {
    /// The store file (or `.npy` file).
    public let path: String
    /// The dataset's name in the store (empty for a `.npy` file).
    public let dataset: String
    /// Number of rows (vectors).
    public let rowCount: Int
    /// Values per row.
    public let dimension: Int
    /// How the values are stored and read, for the log (e.g. "chunked, 680 rows a chunk, memory-mapped").
    public let layoutDescription: String
    /// Rows per read when gathering from a compressed dataset (about 1 MiB).
    let gatherWindowRows: Int

    /// Where the rows come from.
    private enum Rows {
        /// Every row, contiguous in one mapping, the first at file offset `dataOffset`.
        case mapped(MappedRegion, dataOffset: Int)
        /// Runs of rows at the file offsets of a chunk map, all inside one mapping.
        case chunks(MappedRegion, ChunkMap)
        /// HDF5 hyperslab reads.
        case hdf5(H5Dataset)
    }
    private let rows: Rows
    /// Keeps the dataset (and its file) open while the matrix is read through a mapping.
    private let handle: H5Dataset?

    /// Opens `dataset` in the store at `path`; `allowMemoryMap: false` forces HDF5 reads.
    public init(path: String, dataset: String, allowMemoryMap: Bool = true) throws {
        self.path = path
        self.dataset = dataset
        let file = try H5File.open(path: path)
        guard file.exists(dataset), file.isDataset(dataset) else {
            throw InputError(file: path, "no dataset \(dataset) in this store")
        }
        let handle = try file.openDataset(dataset)
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
        self.handle = handle

        let layout = try handle.storedLayout()
        let bytes = rowCount * dimension * MemoryLayout<Float>.size
        let mappable = allowMemoryMap && bytes > 0 && layout.isNativeFloat32 && layout.filterCount == 0
        var description: String
        switch layout.kind {
        case .contiguous: description = "contiguous"
        case .chunked:
            description = "chunked, \(layout.chunkShape.first ?? 0) rows a chunk"
            if layout.filterCount > 0 { description += ", compressed" }
        case .compact: description = "compact"
        case .other: description = "stored"
        }
        var rows = Rows.hdf5(handle)
        if mappable, layout.kind == .contiguous, let offset = handle.contiguousFloat32Offset(),
           let region = MappedRegion(path: path, fileRange: offset..<(offset + bytes)), offset % MemoryLayout<Float>.alignment == 0 {
            rows = .mapped(region, dataOffset: offset)
        } else if mappable, layout.kind == .chunked, layout.chunkShape.count == 2, layout.chunkShape[1] == dimension,
                  let chunks = try handle.storedChunks(rowCount: rowCount, chunkRows: layout.chunkShape[0]),
                  let map = ChunkMap(rowCount: rowCount, dimension: dimension, chunkRows: layout.chunkShape[0], chunks: chunks),
                  let region = MappedRegion(path: path, fileRange: map.fileSpan) {
            if map.extents.count == 1 {
                rows = .mapped(region, dataOffset: map.extents[0].fileOffset)
            } else {
                rows = .chunks(region, map)
            }
        }
        switch rows {
        case .mapped: description += ", memory-mapped"
        case .chunks(_, let map): description += ", memory-mapped in \(map.extents.count) runs"
        case .hdf5: description += ", HDF5 hyperslabs"
        }
        self.rows = rows
        self.layoutDescription = description
    }

    /// Opens a float32 little-endian `.npy` file through a memory mapping, without converting it.
    ///
    /// The file must be mappable (`NumpyMatrixFile.isMappableFloat32`); its values are not
    /// checked here (see `NumpyMatrixFile.checkFinite`).
    public init(numpy file: NumpyMatrixFile) throws {
        guard file.isMappableFloat32 else {
            throw InputError(file: file.path, "dtype '\(file.header.descr)' cannot be read in place; convert it (probe-convert) first")
        }
        let layout = file.layout
        let bytes = layout.dataBytes
        guard let region = MappedRegion(path: file.path, fileRange: layout.dataOffset..<(layout.dataOffset + bytes)) else {
            throw InputError(file: file.path, "cannot memory-map the array's \(bytes) bytes at offset \(layout.dataOffset)")
        }
        path = file.path
        dataset = ""
        rowCount = layout.rows
        dimension = layout.columns
        gatherWindowRows = max(1, (1 << 20) / max(1, dimension * 4))
        handle = nil
        rows = .mapped(region, dataOffset: layout.dataOffset)
        layoutDescription = "numpy float32, memory-mapped"
    }

    /// Whether reads come straight from a memory mapping of the file.
    public var isMemoryMapped: Bool {
        if case .hdf5 = rows { return false }
        return true
    }

    /// How many separately mapped runs of rows the matrix is read from (1: one span of the
    /// file, like a contiguous dataset); nil when it is read through HDF5.
    var mappedRunCount: Int? {
        switch rows {
        case .mapped: return 1
        case .chunks(_, let map): return map.extents.count
        case .hdf5: return nil
        }
    }

    private var rowBytes: Int { dimension * MemoryLayout<Float>.size }

    /// Asks the kernel to start reading `rows` from disk now (mapped matrices only), so that
    /// the next block is on its way while the current one is computed.
    public func prefetch(_ range: Range<Int>) {
        let clamped = max(0, range.lowerBound)..<min(rowCount, max(0, range.upperBound))
        guard !clamped.isEmpty else { return }
        switch rows {
        case .mapped(let region, let dataOffset):
            let start = dataOffset + clamped.lowerBound * rowBytes
            region.willNeed(fileRange: start..<(start + clamped.count * rowBytes))
        case .chunks(let region, let map):
            for piece in map.pieces(of: clamped) {
                region.willNeed(fileRange: piece.fileOffset..<(piece.fileOffset + piece.rows.count * rowBytes))
            }
        case .hdf5:
            return
        }
    }

    /// The rows `range` as one contiguous mapped span, when they are one (no copy needed).
    private func mappedSpan(_ range: Range<Int>) -> UnsafePointer<Float>? {
        switch rows {
        case .mapped(let region, let dataOffset):
            return region.floats(atFileOffset: dataOffset + range.lowerBound * rowBytes)
        case .chunks(let region, let map):
            guard !range.isEmpty else { return nil }
            let extent = map.extents[map.extentIndex(of: range.lowerBound)]
            guard range.upperBound <= extent.rows.upperBound else { return nil }
            return region.floats(atFileOffset: extent.fileOffset + (range.lowerBound - extent.firstRow) * rowBytes)
        case .hdf5:
            return nil
        }
    }

    /// Copies rows `range` into `buffer` (row-major, `range.count × dimension`).
    public func readRows(_ range: Range<Int>, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        precondition(range.lowerBound >= 0 && range.upperBound <= rowCount, "rows \(range) outside 0..<\(rowCount)")
        precondition(buffer.count >= range.count * dimension)
        guard !range.isEmpty, let destination = buffer.baseAddress else { return }
        switch rows {
        case .mapped(let region, let dataOffset):
            destination.update(from: region.floats(atFileOffset: dataOffset + range.lowerBound * rowBytes), count: range.count * dimension)
        case .chunks(let region, let map):
            var written = 0
            for piece in map.pieces(of: range) {
                (destination + written).update(from: region.floats(atFileOffset: piece.fileOffset), count: piece.rows.count * dimension)
                written += piece.rows.count * dimension
            }
        case .hdf5(let handle):
            try handle.readRows(firstRow: range.lowerBound, rowCount: range.count, columns: dimension, into: buffer)
        }
    }

    /// Copies the given rows, in the given order, into `buffer` (`rows.count × dimension`).
    ///
    /// From HDF5, rows are read in ascending windows of about 1 MiB so that each chunk is
    /// decompressed once, whatever the order of `rows`.
    public func gatherRows(_ indices: [Int], into buffer: UnsafeMutableBufferPointer<Float>) throws {
        precondition(buffer.count >= indices.count * dimension)
        let d = dimension
        switch rows {
        case .mapped(let region, let dataOffset):
            let base = region.floats(atFileOffset: dataOffset)
            for (slot, row) in indices.enumerated() {
                precondition(row >= 0 && row < rowCount, "row \(row) outside 0..<\(rowCount)")
                (buffer.baseAddress! + slot * d).update(from: base + row * d, count: d)
            }
            return
        case .chunks(let region, let map):
            var extent = map.extents[0]
            for (slot, row) in indices.enumerated() {
                precondition(row >= 0 && row < rowCount, "row \(row) outside 0..<\(rowCount)")
                // Members of a cluster are mostly ascending: try the last run first.
                if !extent.rows.contains(row) { extent = map.extents[map.extentIndex(of: row)] }
                let source = region.floats(atFileOffset: extent.fileOffset + (row - extent.firstRow) * rowBytes)
                (buffer.baseAddress! + slot * d).update(from: source, count: d)
            }
            return
        case .hdf5(let handle):
            try gatherFromHDF5(handle, indices, into: buffer)
        }
    }

    private func gatherFromHDF5(_ handle: H5Dataset, _ rows: [Int], into buffer: UnsafeMutableBufferPointer<Float>) throws {
        let d = dimension
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
    /// A block that lies in one mapped run is handed out in place; any other is copied into
    /// a buffer that is reused: a block is valid only inside `body`.
    public func forEachBlock(rows blockRows: Int, _ body: (Range<Int>, UnsafeBufferPointer<Float>) throws -> Void) throws {
        let step = max(1, blockRows)
        var buffer: UnsafeMutableBufferPointer<Float>? = nil
        defer { buffer?.deallocate() }
        var start = 0
        while start < rowCount {
            let range = start..<min(rowCount, start + step)
            prefetch(range.upperBound..<(range.upperBound + step))
            if let span = mappedSpan(range) {
                try body(range, UnsafeBufferPointer(start: span, count: range.count * dimension))
            } else {
                if buffer == nil { buffer = .allocate(capacity: min(step, rowCount) * dimension) }
                guard let buffer else { return }
                try readRows(range, into: buffer)
                try body(range, UnsafeBufferPointer(rebasing: buffer[0..<(range.count * dimension)]))
            }
            start = range.upperBound
        }
    }
}

/// A probe store opened for reading: labels, entities and the embeddings datasets.
public final class ProbeStoreFile: Sendable {
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
