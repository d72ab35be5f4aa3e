import Foundation

/// A `.npy` file holding a 2-D float32 or float64 matrix in C order, checked against the
/// file's size; its values are read in streaming blocks (or memory-mapped, for float32).
public struct NumpyMatrixFile: Sendable {
    /// The file.
    public let path: String
    /// The parsed header.
    public let header: NumpyHeader
    /// Shape, element type, byte order and data offset.
    public let layout: NumpyMatrixLayout
    /// Size of the file in bytes.
    public let fileBytes: Int

    /// Whether a path names a `.npy` file (by its extension).
    public static func isNumpy(_ path: String) -> Bool { path.lowercased().hasSuffix(".npy") }

    /// Opens `path` and checks that it holds a 2-D float matrix and all of its data; every
    /// problem is an `InputError` naming the file and saying what to do.
    public init(path: String) throws {
        self.path = path
        let file = try InputFile(path: path)
        let head = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
        defer { head.deallocate() }
        let count = try file.read(into: head)
        var bytes = Array(UnsafeRawBufferPointer(rebasing: head[0..<count]))
        // A header longer than what was read (up to 1 MiB, never in practice): read it all.
        if bytes.count >= 12, bytes[6] >= 2 {
            let length = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            if length + 12 > bytes.count, length <= NumpyHeader.maximumHeaderBytes {
                let rest = UnsafeMutableRawBufferPointer.allocate(byteCount: length + 12 - bytes.count, alignment: 16)
                defer { rest.deallocate() }
                let more = try file.read(into: rest)
                bytes += UnsafeRawBufferPointer(rebasing: rest[0..<more])
            }
        }
        do {
            header = try NumpyHeader.parse(bytes)
            layout = try header.matrixLayout()
        } catch {
            throw InputError(file: path, error.message)
        }
        fileBytes = file.size
        let needed = layout.dataOffset + layout.dataBytes
        if fileBytes < needed {
            throw InputError(file: path, "the file is truncated: shape (\(layout.rows), \(layout.columns)) of \(header.descr) needs \(needed) bytes, the file has \(fileBytes); save the array again")
        }
        if fileBytes > needed {
            throw InputError(file: path, "\(fileBytes - needed) bytes follow the (\(layout.rows), \(layout.columns)) array of \(header.descr): the header's shape does not match the data; save the array again with numpy.save")
        }
    }

    /// Whether the values can be read in place: little-endian float32 at a 4-byte aligned offset.
    public var isMappableFloat32: Bool {
        layout.element == .float32 && layout.littleEndian && layout.dataOffset % MemoryLayout<Float>.alignment == 0
    }

    /// Streams the matrix as float32 row blocks of about `blockBytes` of file data, in row
    /// order, converting float64 (correctly rounded) and big-endian values, and checking that
    /// every value is finite and within float32's range. `progress` gets the bytes read so far.
    ///
    /// `consume` gets each block while it is valid; a bad value stops the stream with an
    /// `InputError` naming the row and column.
    public func stream(blockBytes: Int = 4 << 20, dropConsumedPages: Bool = false,
                       progress: ((Int) -> Void)? = nil,
                       consume: (EmbeddingRowBlock) throws -> Void) throws {
        let file = try InputFile(path: path)
        let d = layout.columns, size = layout.elementBytes
        let blockRows = max(1, blockBytes / (d * size))
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: max(layout.dataOffset, blockRows * d * size), alignment: 16)
        defer { raw.deallocate() }
        let values = UnsafeMutableBufferPointer<Float>.allocate(capacity: blockRows * d)
        defer { values.deallocate() }
        // Skip the header.
        guard try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<layout.dataOffset])) == layout.dataOffset else {
            throw InputError(file: path, "the file is truncated (it changed while being read?)")
        }
        var row = 0
        while row < layout.rows {
            let rows = min(blockRows, layout.rows - row)
            let bytes = rows * d * size
            guard try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<bytes])) == bytes else {
                throw InputError(file: path, "the file is truncated at row \(row + 1) (it changed while being read?)")
            }
            try decode(UnsafeRawBufferPointer(rebasing: raw[0..<bytes]), firstRow: row, into: values)
            try consume(EmbeddingRowBlock(firstRow: row, rowCount: rows, dimension: d,
                                          values: UnsafeBufferPointer(rebasing: values[0..<(rows * d)])))
            row += rows
            let consumed = layout.dataOffset + row * d * size
            if dropConsumedPages { file.dropCachedBytes(before: consumed) }
            progress?(consumed)
        }
    }

    /// Reads every value once and checks that it is finite (for float32 files read in place).
    public func checkFinite(blockBytes: Int = 4 << 20) throws {
        try stream(blockBytes: blockBytes) { _ in }
    }

    /// Converts the raw bytes of whole rows starting at `firstRow` into float32 values.
    private func decode(_ raw: UnsafeRawBufferPointer, firstRow: Int, into values: UnsafeMutableBufferPointer<Float>) throws {
        let count = raw.count / layout.elementBytes
        let swap = layout.littleEndian != (1.littleEndian == 1)
        var bad: Int? = nil
        switch layout.element {
        case .float32:
            for k in 0..<count {
                var bits = raw.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)
                if swap { bits = bits.byteSwapped }
                if bits & 0x7F80_0000 == 0x7F80_0000 && bad == nil { bad = k }
                values[k] = Float(bitPattern: bits)
            }
        case .float64:
            for k in 0..<count {
                var bits = raw.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)
                if swap { bits = bits.byteSwapped }
                let value = Float(Double(bitPattern: bits))  // correctly rounded (to nearest, ties to even)
                if !value.isFinite && bad == nil { bad = k }
                values[k] = value
            }
        }
        if let bad { throw badValue(at: bad, firstRow: firstRow, raw: raw) }
    }

    private func badValue(at index: Int, firstRow: Int, raw: UnsafeRawBufferPointer) -> InputError {
        let d = layout.columns
        let row = firstRow + index / d + 1, column = index % d + 1
        let swap = layout.littleEndian != (1.littleEndian == 1)
        let value: Double
        switch layout.element {
        case .float32:
            let bits = raw.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)
            value = Double(Float(bitPattern: swap ? bits.byteSwapped : bits))
        case .float64:
            let bits = raw.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self)
            value = Double(bitPattern: swap ? bits.byteSwapped : bits)
        }
        let what = value.isNaN ? "NaN" : value.isInfinite ? "infinite" : "\(value), beyond float32's range"
        return InputError(file: path, "row \(row), column \(column) (1-based) is \(what): every value must be a finite float32; replace it (e.g. np.nan_to_num) and save again")
    }
}
