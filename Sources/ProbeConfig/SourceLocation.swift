/// A place in a configuration file: path, 1-based line and, where it helps, 1-based column.
///
/// Columns count characters (grapheme clusters) from the start of the raw line,
/// indentation included, so an editor's "go to column" lands on the spot.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file's path as the caller gave it, or `"<string>"` for parsed text.
    public let path: String
    /// 1-based line number.
    public let line: Int
    /// 1-based column within the line, or nil when the whole line is meant.
    public let column: Int?

    /// Creates a location at `path:line[:column]`.
    public init(path: String, line: Int, column: Int? = nil) {
        self.path = path
        self.line = line
        self.column = column
    }

    /// `path:line:column`, or `path:line` without a column, as compilers print them.
    public var description: String {
        if let column { return "\(path):\(line):\(column)" }
        return "\(path):\(line)"
    }

    /// The same line, `offset` characters further right.
    func shifted(by offset: Int) -> SourceLocation {
        SourceLocation(path: path, line: line, column: (column ?? 1) + offset)
    }
}
