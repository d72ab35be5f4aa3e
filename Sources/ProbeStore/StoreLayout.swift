/// Where things live inside a probe store (`.h5`): the layout users read with h5py.
///
/// ```
/// /                               attrs: format, format_version, source, creator
/// /labels                         UTF-8 strings, the sorted label set
/// /entities/<split>/text          UTF-8 strings, one per example
/// /entities/<split>/label         int32 index into /labels
/// /embeddings/<key>               float32 (n, d); <key> mirrors the text layout,
///                                 e.g. all-MiniLM-L6-v2/train/0/6 or layers/train/6;
///                                 attrs: source, source_bytes, split, model, iteration, layer
/// ```
public enum StoreLayout {
    /// Value of the root `format` attribute.
    public static let format = "directprobe-swift-store"
    /// Value of the root `format_version` attribute.
    public static let formatVersion: Int64 = 1
    /// The label set dataset.
    public static let labels = "/labels"
    /// The group holding every embeddings dataset.
    public static let embeddingsGroup = "/embeddings"

    /// The entity text dataset of a split.
    public static func entityText(_ split: String) -> String { "/entities/\(split)/text" }
    /// The entity label-index dataset of a split.
    public static func entityLabels(_ split: String) -> String { "/entities/\(split)/label" }
    /// The embeddings dataset for a layout key.
    public static func embeddings(_ key: String) -> String { "\(embeddingsGroup)/\(key)" }
}
