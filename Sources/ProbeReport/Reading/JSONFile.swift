import Foundation
import ProbeStore

/// Decodes a JSON file, turning decoding failures into an `InputError` naming the file and the field.
func decodeJSONFile<T: Decodable>(path: String) throws -> T {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw InputError(file: path, "cannot read the file")
    }
    do {
        return try JSONDecoder().decode(T.self, from: data)
    } catch let error as DecodingError {
        throw InputError(file: path, line: jsonErrorLine(error), describe(error))
    }
}

private func fieldPath(_ codingPath: [any CodingKey]) -> String {
    // Array positions print as "[n]"; object keys (even numeric ones such as iteration names) as ".key".
    let path = codingPath.map { key in
        if let index = key.intValue, key.stringValue.hasPrefix("Index ") { return "[\(index)]" }
        return "." + key.stringValue
    }.joined()
    return path.isEmpty ? "(top level)" : String(path.drop { $0 == "." })
}

private func describe(_ error: DecodingError) -> String {
    switch error {
    case .typeMismatch(let type, let context):
        return "field \(fieldPath(context.codingPath)): expected \(type)"
    case .valueNotFound(let type, let context):
        return "field \(fieldPath(context.codingPath)): missing \(type)"
    case .keyNotFound(let key, let context):
        return "field \(fieldPath(context.codingPath + [key])): missing"
    case .dataCorrupted(let context):
        let underlying = context.underlyingError.map { " (\($0))" } ?? ""
        if context.codingPath.isEmpty { return "malformed JSON: \(context.debugDescription)\(underlying)" }
        return "field \(fieldPath(context.codingPath)): \(context.debugDescription)"
    @unknown default:
        return "malformed JSON: \(error)"
    }
}

/// The line a JSON syntax error reports in its text ("… line N …"), when it names one.
private func jsonErrorLine(_ error: DecodingError) -> Int? {
    guard case .dataCorrupted(let context) = error else { return nil }
    let text = context.debugDescription + " " + (context.underlyingError.map { "\($0)" } ?? "")
    guard let range = text.range(of: "line ") else { return nil }
    return Int(text[range.upperBound...].prefix { $0.isNumber })
}
