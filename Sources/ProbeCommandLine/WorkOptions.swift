import ArgumentParser
import Foundation

/// The options of both executables' working commands (`probe-convert`, `probe run`):
/// worker threads, quiet output, and the full text of library errors.
public struct WorkOptions: ParsableArguments {
    /// Worker threads; nil: all cores.
    @Option(help: "Worker threads (default: all cores).")
    public var threads: Int?

    /// No progress bars, summary or log on standard error.
    @Flag(name: .shortAndLong, help: "No progress bars, no summary and no log on stderr.")
    public var quiet = false

    /// Print the full text of library errors (the HDF5 error stack) on an error.
    @Flag(help: "On an error, also print the full text of library errors (the HDF5 error stack).")
    public var verbose = false

    /// The options' defaults; ArgumentParser fills them from the command line.
    public init() {}

    /// Rejects a thread count below 1.
    public func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    /// The worker threads to use: `--threads`, else all cores.
    public var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }
}
