/// One finished layer of a batch run, as recorded in `.batch-cache/<iteration>/<layer>.json`.
///
/// `key` identifies the inputs by content; a record whose key differs from the current inputs'
/// is stale and the layer is measured again.
public struct BatchLayerRecord: ResultDocument, Sendable, Equatable {
    /// The inputs' identity: content checksums of the label set, entities, clusters and layer, and the layer's path.
    public var key: String
    /// Whether the fixed clusters are linearly separable in this layer.
    public var linear: Bool
    /// Label-pair distances, pairs A < B in label order (zeros when not separable).
    public var vec: [Double]
    /// Per label, in label order (zeros when not separable).
    public var outsideMin: [Double]
    /// Per label (zeros when not separable).
    public var insideMean: [Double]
    /// Per label (zeros when not separable).
    public var insideMax: [Double]
    /// The number of fixed clusters measured.
    public var clusters: Int
    /// Fixed clusters holding coincident points of different labels in this layer (nil when not checked).
    public var coincidentOverlap: [Int]?
    /// Wall time of the layer, in seconds.
    public var seconds: Double

    /// Creates a record.
    public init(key: String, linear: Bool, vec: [Double], outsideMin: [Double], insideMean: [Double], insideMax: [Double],
                clusters: Int, coincidentOverlap: [Int]? = nil, seconds: Double) {
        self.key = key
        self.linear = linear
        self.vec = vec
        self.outsideMin = outsideMin
        self.insideMean = insideMean
        self.insideMax = insideMax
        self.clusters = clusters
        self.coincidentOverlap = coincidentOverlap
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey {
        case key, linear, vec
        case outsideMin = "outside_min"
        case insideMean = "inside_mean"
        case insideMax = "inside_max"
        case clusters
        case coincidentOverlap = "coincident_overlap"
        case seconds
    }
}
