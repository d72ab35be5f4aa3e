import Foundation

/// The non-blank lines of a small text file, with their 1-based line numbers.
struct TextFile {
    let path: String
    let lines: [(number: Int, text: Substring)]

    /// Reads `path` as UTF-8; a missing file or invalid encoding is a `ReportInputError`.
    init(path: String) throws {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportInputError(file: path, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ReportInputError(file: path, message: "not UTF-8 text")
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
    func error(line: Int, column: Int? = nil, _ message: String) -> ReportInputError {
        ReportInputError(file: path, line: line, column: column, message: message)
    }

    /// Parses one field as a finite number, or throws naming this file, line and field.
    func number(_ field: Substring, line: Int, column: Int? = nil) throws -> Double {
        let trimmed = field.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw error(line: line, column: column, "empty field where a number was expected") }
        guard let value = Double(trimmed), value.isFinite else {
            throw error(line: line, column: column, "not a finite number: \"\(trimmed)\"")
        }
        return value
    }
}

/// Whether a path names an existing directory.
func isDirectory(_ path: String) -> Bool {
    var directory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
}

/// Whether a path names an existing regular file (or a link to one).
func isFile(_ path: String) -> Bool {
    var directory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && !directory.boolValue
}

/// `folder/name`, without doubling a trailing slash.
func join(_ folder: String, _ name: String) -> String {
    folder.hasSuffix("/") ? folder + name : folder + "/" + name
}

/// Sorts names numerically when every one is an integer, else by their text.
func sortedNames(_ names: [String]) -> [String] {
    let numbers = names.map { Int($0) }
    if numbers.allSatisfy({ $0 != nil }) {
        return zip(names, numbers).sorted { ($0.1 ?? 0, $0.0) < ($1.1 ?? 0, $1.0) }.map(\.0)
    }
    return names.sorted()
}
