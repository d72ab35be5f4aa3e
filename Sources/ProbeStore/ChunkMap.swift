/// Where the rows of an uncompressed, row-chunked matrix lie in its file: runs of rows
/// ("extents") that are stored back to back, each at one file offset.
///
/// Built once from the chunk index; chunks that follow each other in the file (the usual
/// case: `probe-convert` writes them in row order, page-aligned, each a whole number of
/// pages) merge into one extent, so that a block of rows is one contiguous span of the
/// file unless it crosses from one extent to the next. A value type; safe to share.
struct ChunkMap: Sendable, Equatable {
    /// A run of consecutive rows stored contiguously in the file.
    struct Extent: Sendable, Equatable {
        /// The first row of the run.
        let firstRow: Int
        /// How many rows the run holds.
        let rowCount: Int
        /// The file offset of the run's first row.
        let fileOffset: Int

        /// The rows of the run.
        var rows: Range<Int> { firstRow..<(firstRow + rowCount) }
    }

    /// Number of rows of the matrix.
    let rowCount: Int
    /// Values (float32) per row.
    let dimension: Int
    /// The runs in row order; together they cover `0..<rowCount` exactly once.
    let extents: [Extent]

    /// Builds the map of a matrix of `rowCount × dimension` float32 values stored in chunks of
    /// `chunkRows` whole rows; nil unless every chunk is present once, at a 4-byte aligned
    /// offset, with exactly `chunkRows × dimension × 4` bytes stored (no filter shrank it).
    ///
    /// The last chunk may be partial: HDF5 stores it full-size, and only its first
    /// `rowCount mod chunkRows` rows belong to the matrix.
    init?(rowCount: Int, dimension: Int, chunkRows: Int, chunks: [StoredChunk]) {
        guard rowCount > 0, dimension > 0, chunkRows > 0 else { return nil }
        let rowBytes = dimension * MemoryLayout<Float>.size
        let (chunkBytes, overflow) = chunkRows.multipliedReportingOverflow(by: rowBytes)
        guard !overflow else { return nil }
        let expected = (rowCount + chunkRows - 1) / chunkRows
        guard chunks.count == expected else { return nil }
        let sorted = chunks.sorted { $0.firstRow < $1.firstRow }
        var extents: [Extent] = []
        for (index, chunk) in sorted.enumerated() {
            guard chunk.firstRow == index * chunkRows, chunk.firstColumn == 0, chunk.storedBytes == chunkBytes,
                  chunk.fileOffset >= 0, chunk.fileOffset % MemoryLayout<Float>.alignment == 0 else { return nil }
            let rows = min(chunkRows, rowCount - chunk.firstRow)
            if let last = extents.last, last.fileOffset + last.rowCount * rowBytes == chunk.fileOffset {
                extents[extents.count - 1] = Extent(firstRow: last.firstRow, rowCount: last.rowCount + rows, fileOffset: last.fileOffset)
            } else {
                extents.append(Extent(firstRow: chunk.firstRow, rowCount: rows, fileOffset: chunk.fileOffset))
            }
        }
        self.rowCount = rowCount
        self.dimension = dimension
        self.extents = extents
    }

    /// The bytes of the file that hold the matrix: from the first extent's start to the last one's end.
    var fileSpan: Range<Int> {
        let rowBytes = dimension * MemoryLayout<Float>.size
        let start = extents.map(\.fileOffset).min() ?? 0
        let end = extents.map { $0.fileOffset + $0.rowCount * rowBytes }.max() ?? 0
        return start..<end
    }

    /// The index of the extent holding `row` (which must be in `0..<rowCount`), by binary search.
    func extentIndex(of row: Int) -> Int {
        var low = 0, high = extents.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if extents[middle].firstRow <= row { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The file offset of `row`'s first value.
    func fileOffset(of row: Int) -> Int {
        let extent = extents[extentIndex(of: row)]
        return extent.fileOffset + (row - extent.firstRow) * dimension * MemoryLayout<Float>.size
    }

    /// The pieces of `rows` that lie in one extent each, in row order: each piece's rows and
    /// the file offset of its first row. One piece means the rows are contiguous in the file.
    func pieces(of rows: Range<Int>) -> [(rows: Range<Int>, fileOffset: Int)] {
        guard !rows.isEmpty else { return [] }
        var result: [(rows: Range<Int>, fileOffset: Int)] = []
        var index = extentIndex(of: rows.lowerBound)
        var start = rows.lowerBound
        while start < rows.upperBound {
            let extent = extents[index]
            let end = min(rows.upperBound, extent.rows.upperBound)
            result.append((start..<end, extent.fileOffset + (start - extent.firstRow) * dimension * MemoryLayout<Float>.size))
            start = end
            index += 1
        }
        return result
    }
}
