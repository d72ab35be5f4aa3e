import Foundation

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
