import Foundation
import ProbeStore

/// The points of one split to probe: the embeddings matrix (read through the store) and
/// each point's label index.
public struct LabeledPoints: Sendable {
    /// The embeddings, one row per example.
    public let matrix: EmbeddingMatrix
    /// Label index of every row.
    public let labels: [Int32]
    /// The task's label set.
    public let labelSet: LabelSet
    /// Where the embeddings came from (for the log).
    public let source: String
    /// What the value scan of the embeddings found, when they were opened with one.
    public var valueScan: ValueScan? = nil

    /// The number of points.
    public var count: Int { labels.count }
    /// Values per point.
    public var dimension: Int { matrix.dimension }

    /// Creates a view over an open matrix with its labels.
    public init(matrix: EmbeddingMatrix, labels: [Int32], labelSet: LabelSet, source: String) throws {
        guard matrix.rowCount == labels.count else {
            throw InputError(file: source, "the embeddings have \(matrix.rowCount) rows but there are \(labels.count) entities")
        }
        self.matrix = matrix
        self.labels = labels
        self.labelSet = labelSet
        self.source = source
    }
}
