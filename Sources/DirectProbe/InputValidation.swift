import Foundation
import ProbeConfig
import ProbeStore

/// The first phase of every run: each input a configuration names is opened and checked
/// (paths, label set, entities, row counts and dimensions of the training and test
/// embeddings, the clusters file, the batch layers, the memory budget) before the output
/// folder is touched or any work starts. A mistake found here costs seconds, not a probing
/// run, and leaves the output folder as it was.
enum InputValidation {
    /// What the checks established (the loaders read the inputs again as they need them).
    struct Checked {
        /// Entities of the training split.
        let trainRows: Int
        /// Values per training vector, when the mode reads training embeddings.
        let dimension: Int?
    }

    /// Checks every input of `configuration`; the first problem is thrown as an error naming the file.
    @discardableResult
    static func check(_ configuration: ProbeConfiguration) throws -> Checked {
        let mode = configuration.mode
        if let memory = configuration.memory { _ = try MemoryBudget(parsing: memory) }
        let labelSet = try LabelSet.read(configuration.labelSetPath)
        let trainRows = try EntityFile.labelIndices(configuration.entitiesPath, labelSet: labelSet).count
        var dimension: Int? = nil

        if mode == .batchProbing {
            guard let batch = configuration.batchEmbeddingsPath else {
                throw InputError(file: "config", "mode batch_probing needs data.batch_embeddings_path")
            }
            guard let clusters = configuration.probingClusterPath else {
                throw InputError(file: "config", "mode batch_probing needs clustering.probing_cluster_path")
            }
            _ = try ClusterFile.read(clusters, pointCount: trainRows)
            let sources = try BatchProbe.discover(batch)
            guard !sources.isEmpty else { throw InputError(file: batch, "no iteration folders with layer files found") }
            for source in sources {
                try checkShape(source.path, rows: trainRows, rowsSource: configuration.entitiesPath)
            }
            return Checked(trainRows: trainRows, dimension: nil)
        }

        guard let embeddings = configuration.embeddingsPath else {
            throw InputError(file: "config", "data.embeddings_path is required in mode \(mode)")
        }
        dimension = try checkShape(embeddings, rows: trainRows, rowsSource: configuration.entitiesPath)
        if mode == .prediction {
            guard let clusters = configuration.probingClusterPath else {
                throw InputError(file: "config", "mode prediction needs clustering.probing_cluster_path")
            }
            _ = try ClusterFile.read(clusters, pointCount: trainRows)
        }
        switch (configuration.testEntitiesPath, configuration.testEmbeddingsPath) {
        case let (entities?, testEmbeddings?):
            let testRows = try EntityFile.labelIndices(entities, labelSet: labelSet).count
            let testDimension = try checkShape(testEmbeddings, rows: testRows, rowsSource: entities)
            if let dimension, testDimension != dimension {
                throw InputError(file: testEmbeddings, "test vectors have \(testDimension) values but the training vectors (\(embeddings)) have \(dimension); use embeddings of the same model and layer")
            }
        case (.some, nil):
            throw InputError(file: "config", "data.test_entities_path is set but data.test_embeddings_path is not; set both for test prediction, or neither")
        case (nil, .some):
            throw InputError(file: "config", "data.test_embeddings_path is set but data.test_entities_path is not; set both for test prediction, or neither")
        case (nil, nil):
            break
        }
        return Checked(trainRows: trainRows, dimension: dimension)
    }

    /// Checks that the embeddings at `path` (text, `store.h5` or `store.h5:key`) have `rows`
    /// rows and at least one value per row; returns their dimension.
    @discardableResult
    static func checkShape(_ path: String, rows: Int, rowsSource: String) throws -> Int {
        let (file, key) = EmbeddingInput.splitStorePath(path)
        let shape: (rows: Int, dimension: Int)
        if EmbeddingInput.isStore(file) {
            let matrix = try EmbeddingInput.storeMatrix(file: file, key: key)
            shape = (matrix.rowCount, matrix.dimension)
        } else if NumpyMatrixFile.isNumpy(path) {
            let numpy = try NumpyMatrixFile(path: path)
            guard numpy.layout.rows == rows else {
                throw InputError(file: path, "the array has \(numpy.layout.rows) rows but \(rowsSource) has \(rows) entities; row i of the array must describe line i of the entities")
            }
            shape = (numpy.layout.rows, numpy.layout.columns)
        } else {
            let text = try EmbeddingTextShape.peek(path)
            guard text.dimension > 0 else { throw InputError(file: path, "the file holds no vectors (only empty lines)") }
            shape = (text.rows, text.dimension)
        }
        guard shape.rows == rows else {
            throw InputError(file: path, "\(shape.rows) vectors but \(rowsSource) has \(rows) entities; each entity needs one vector, in the same order")
        }
        return shape.dimension
    }
}
