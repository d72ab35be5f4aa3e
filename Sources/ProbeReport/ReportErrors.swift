import Foundation

/// A malformed or unreadable input file, with the place a user can look at.
///
/// `line` and `column` are 1-based; `column` counts comma-separated fields in CSV files.
public struct ReportInputError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file (or folder) that could not be read.
    public let file: String
    /// The 1-based line of the problem, when it has one.
    public let line: Int?
    /// The 1-based field of the problem within its line, when it has one.
    public let column: Int?
    /// What is wrong, in words.
    public let message: String

    /// Creates an error naming a file and, optionally, a line and field.
    public init(file: String, line: Int? = nil, column: Int? = nil, message: String) {
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

/// The report page could not be written.
public struct ReportWriteError: Error, CustomStringConvertible, Sendable {
    /// The output file.
    public let path: String
    /// The underlying reason.
    public let reason: String

    /// Creates an error for an output file.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `cannot write PATH: reason`.
    public var description: String { "cannot write \(path): \(reason)" }
}
