/// A problem with a user's input file, located by file, line and column.
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file that holds the problem.
    public let file: String
    /// 1-based line number, or nil when the problem concerns the whole file.
    public let line: Int?
    /// 1-based column within the line (bytes in embeddings text, comma-separated fields in
    /// CSV files), or nil when it does not apply.
    public let column: Int?
    /// What is wrong and, where possible, how to fix it.
    public let message: String

    /// Creates an error located at `file:line:column`.
    public init(file: String, line: Int? = nil, column: Int? = nil, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`, the way compilers print locations.
    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        return "\(location): \(message)"
    }
}
