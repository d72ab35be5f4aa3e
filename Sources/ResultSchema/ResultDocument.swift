import Foundation

/// A JSON document that `probe` writes and reads back: encoded with sorted keys, pretty printed.
///
/// Sorted keys make the files deterministic (the same run gives the same bytes apart from
/// timings), so that they diff well and can be compared by tests.
public protocol ResultDocument: Codable {}

extension ResultDocument {
    /// The document as JSON text (sorted keys, pretty printed, slashes unescaped), ending in a newline.
    public func jsonText() throws -> String {
        String(decoding: try jsonData(), as: UTF8.self) + "\n"
    }

    /// The document as JSON bytes (sorted keys, pretty printed, slashes unescaped).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Decodes a document from JSON bytes.
    public static func decode(_ data: Data) throws -> Self {
        try JSONDecoder().decode(Self.self, from: data)
    }
}
