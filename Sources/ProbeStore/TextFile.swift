import Foundation

/// The non-blank lines of a small text file (a result file read back), with their 1-based
/// line numbers, and the errors that name this file and a line.
public struct TextFile: Sendable {
    /// The file's path, as errors name it.
    public let path: String
    /// The non-blank lines (a trailing carriage return dropped), with their 1-based numbers.
    public let lines: [(number: Int, text: Substring)]

    /// Reads `path` as UTF-8; a missing file or invalid encoding is an `InputError`.
    public init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(file: path, "not UTF-8 text")
        }
        var lines: [(number: Int, text: Substring)] = []
        var number = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            // Files written on Windows keep their carriage returns; they are not part of a field.
            let line = raw.last == "\r" ? raw.dropLast() : raw
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            lines.append((number, line))
        }
        self.lines = lines
    }

    /// The error for a problem at `line` (and optionally `column`) of this file.
    public func error(line: Int, column: Int? = nil, _ message: String) -> InputError {
        InputError(file: path, line: line, column: column, message)
    }

    /// Parses one field as a finite number, or throws naming this file, line and field.
    public func number(_ field: Substring, line: Int, column: Int? = nil) throws -> Double {
        let trimmed = field.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw error(line: line, column: column, "empty field where a number was expected") }
        guard let value = Double(trimmed), value.isFinite else {
            throw error(line: line, column: column, "not a finite number: \"\(trimmed)\"")
        }
        return value
    }
}
