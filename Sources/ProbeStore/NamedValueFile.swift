/// One line of a `name,value` result file (`vec.txt`, `outside_min.txt`, `inside_mean.txt`,
/// `inside_max.txt`): the name is everything before the last comma, so a name may hold commas.
public struct NamedValue: Sendable, Equatable {
    /// The 1-based line.
    public let line: Int
    /// The text before the last comma.
    public let name: String
    /// The number after it.
    public let value: Double
}

/// Reads the non-blank `name,value` lines of `path`, in file order.
///
/// A line without a comma is an error naming the line and `format` (what such a line looks
/// like, e.g. `label,value`); a value that is not a finite number names the line and field 2.
/// What the names must be (unique, known labels) is the caller's to check.
public func readNamedValues(_ path: String, format: String = "name,value") throws -> [NamedValue] {
    let file = try TextFile(path: path)
    return try file.lines.map { line in
        guard let comma = line.text.lastIndex(of: ",") else {
            throw file.error(line: line.number, "expected \"\(format)\"")
        }
        let value = try file.number(line.text[line.text.index(after: comma)...], line: line.number, column: 2)
        return NamedValue(line: line.number, name: String(line.text[..<comma]), value: value)
    }
}
