import Foundation

extension EmbeddingMatrix {
    /// Writes the rows in `order` (row `order[k]` becomes row k) into a new store at `path`
    /// and opens it: a scratch copy in which each cluster's rows are contiguous, so that
    /// gathering a cluster is one sequential read however large the matrix is. `order` may
    /// list a subset of the rows (each at most once): the copy then has `order.count` rows.
    ///
    /// One sequential pass over this matrix, in blocks of `blockRows`; each row is scattered
    /// into a writable memory mapping of the new dataset (the kernel writes the pages back as
    /// needed), so memory stays at one block whatever the size. Every value is multiplied by
    /// `scale` on the way (a power of two keeps it exact; 1 copies the values unchanged).
    public func permutedCopy(order: [Int], to path: String, blockRows: Int = 4096, scale: Float = 1) throws -> EmbeddingMatrix {
        guard order.count <= rowCount else {
            throw InputError(file: path, "\(order.count) rows to copy but the matrix has \(rowCount)")
        }
        var destination = [Int32](repeating: -1, count: rowCount)
        for (position, row) in order.enumerated() {
            guard row >= 0, row < rowCount, destination[row] < 0 else {
                throw InputError(file: path, "permutation is not one-to-one at position \(position)")
            }
            destination[row] = Int32(position)
        }
        let dataset = "/embeddings/permuted"
        let offset: Int
        do {
            let file = try H5File.create(path: path)
            let matrix = try file.createMatrix(dataset, rows: order.count, columns: dimension, storage: .contiguous)
            guard let start = matrix.contiguousFloat32Offset() else {
                throw HDF5Error(operation: "map \(dataset) in \(path)", stack: "the dataset has no contiguous storage")
            }
            offset = start
            try file.setAttribute("source", "\(self.dataset.isEmpty ? self.path : "\(self.path):\(self.dataset)") (rows permuted\(scale != 1 ? ", values times \(scale)" : ""))", on: dataset)
            try file.flush()
        }
        let bytes = order.count * dimension * MemoryLayout<Float>.size
        if bytes > 0 {
            let fd = open(path, O_RDWR)
            guard fd >= 0 else { throw InputError(file: path, "cannot open the scratch copy: \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            let aligned = pageStart(offset)
            let length = bytes + (offset - aligned)
            guard let mapping = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off_t(aligned)), mapping != MAP_FAILED else {
                throw InputError(file: path, "cannot map the scratch copy: \(String(cString: strerror(errno)))")
            }
            defer { munmap(mapping, length) }
            let target = (mapping + (offset - aligned)).assumingMemoryBound(to: Float.self)
            let d = dimension
            try forEachBlock(rows: blockRows) { range, block in
                for (k, row) in range.enumerated() where destination[row] >= 0 {
                    let destinationRow = target + Int(destination[row]) * d
                    destinationRow.update(from: block.baseAddress! + k * d, count: d)
                    if scale != 1 { for j in 0..<d { destinationRow[j] *= scale } }
                }
            }
            msync(mapping, length, MS_SYNC)
        }
        return try EmbeddingMatrix(path: path, dataset: dataset)
    }
}
