import Foundation

/// Opens the embeddings a config names: a `.txt` file (converted once into an HDF5 store in
/// `scratchFolder`, streaming), a numpy `.npy` file (float32 read in place through a memory
/// mapping; float64 or big-endian converted like text), or `store.h5:key` / `store.h5` with
/// a single dataset.
public enum EmbeddingInput {
    /// Opens `path` for `entityCount` rows; text (and non-float32 `.npy`) input is converted into `scratchFolder`.
    /// Every value is checked to be finite (see `openScanned`).
    public static func open(_ path: String, entityCount: Int, entitiesPath: String,
                            scratchFolder: String, name: String, showProgress: Bool) throws -> EmbeddingMatrix {
        try openScanned(path, entityCount: entityCount, entitiesPath: entitiesPath, scratchFolder: scratchFolder,
                        name: name, showProgress: showProgress).matrix
    }

    /// Opens `path` like `open` and makes one streaming pass over its values: a NaN or an
    /// infinity is an error naming its row and column, whatever the input format; the pass
    /// also finds the largest magnitude, from which the run chooses its units.
    public static func openScanned(_ path: String, entityCount: Int, entitiesPath: String, scratchFolder: String,
                                   name: String, showProgress: Bool) throws -> (matrix: EmbeddingMatrix, scan: ValueScan) {
        let matrix = try openUnchecked(path, entityCount: entityCount, entitiesPath: entitiesPath,
                                       scratchFolder: scratchFolder, name: name, showProgress: showProgress)
        return (matrix, try matrix.scanValues(source: path))
    }

    private static func openUnchecked(_ path: String, entityCount: Int, entitiesPath: String,
                                      scratchFolder: String, name: String, showProgress: Bool) throws -> EmbeddingMatrix {
        if NumpyMatrixFile.isNumpy(path) {
            let numpy = try NumpyMatrixFile(path: path)
            guard numpy.layout.rows == entityCount else {
                throw InputError(file: path, "the array has \(numpy.layout.rows) rows but \(entitiesPath) has \(entityCount) entities; row i of the array must describe line i of the entities")
            }
            // Float32 little-endian arrays are mapped as they are (the value scan checks them).
            if numpy.isMappableFloat32 { return try EmbeddingMatrix(numpy: numpy) }
        }
        let (file, key) = splitStorePath(path)
        if isStore(file) {
            let matrix = try storeMatrix(file: file, key: key)
            guard matrix.rowCount == entityCount else {
                throw InputError(file: path, "\(matrix.rowCount) rows but \(entitiesPath) has \(entityCount) entities")
            }
            return matrix
        }
        try FileManager.default.createDirectory(atPath: scratchFolder, withIntermediateDirectories: true)
        let output = (scratchFolder as NSString).appendingPathComponent("\(name).h5")
        var options = ConversionOptions()
        options.showProgress = showProgress
        options.overwrite = true
        _ = try Converter.convertEmbeddingsFile(path, to: output, dataset: "/embeddings/\(name)",
                                                expectedRows: entityCount, options: options, expectedRowsSource: entitiesPath)
        return try EmbeddingMatrix(path: output, dataset: "/embeddings/\(name)")
    }

    /// The embeddings dataset `key` of the store `file`, or its only one when `key` is nil.
    public static func storeMatrix(file: String, key: String?) throws -> EmbeddingMatrix {
        let store = try ProbeStoreFile(path: file)
        if let key { return try store.matrix(key) }
        let keys = try store.embeddingKeys()
        guard keys.count == 1, let only = keys.first else {
            throw InputError(file: file, "the store holds \(keys.count) embeddings datasets; name one as \(file):<key> (keys: \(keys.prefix(5).joined(separator: ", "))\(keys.count > 5 ? ", …" : ""))")
        }
        return try store.matrix(only)
    }

    /// Whether a path names an HDF5 store (by its extension).
    public static func isStore(_ path: String) -> Bool { path.hasSuffix(".h5") || path.hasSuffix(".hdf5") }

    /// Splits `store.h5:key` into the file and the key (a Windows drive letter is not a key).
    public static func splitStorePath(_ path: String) -> (String, String?) {
        for suffix in [".h5:", ".hdf5:"] {
            if let range = path.range(of: suffix) {
                let file = String(path[..<range.lowerBound]) + suffix.dropLast()
                let key = String(path[range.upperBound...])
                return (file, key.isEmpty ? nil : key)
            }
        }
        return (path, nil)
    }
}
