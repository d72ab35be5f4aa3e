import ArgumentParser
import Foundation
import ProbeStore

/// Prints an error that ends a command the way both executables do, one line
/// `TOOL: error: MESSAGE` on standard error, and gives the exit status 1 to throw.
///
/// `verbose` prints the full text of library errors (the HDF5 error stack) instead of
/// their one-line description.
public func commandFailure(_ error: Error, tool: String, verbose: Bool = false) -> ExitCode {
    let text = verbose ? (error as? HDF5Error)?.details ?? "\(error)" : "\(error)"
    FileHandle.standardError.write(Data("\(tool): error: \(text)\n".utf8))
    return ExitCode(1)
}
