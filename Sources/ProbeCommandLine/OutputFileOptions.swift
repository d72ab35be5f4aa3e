import ArgumentParser
import ProbeStore

/// The options of the commands that write one file (`probe-convert`, `probe report`):
/// where, and whether an existing file may be replaced.
public struct OutputFileOptions: ParsableArguments {
    /// The file to write.
    @Option(name: .shortAndLong, help: "The file to write: a .h5 store (probe-convert) or an .html page (probe report).")
    public var output: String

    /// Whether an existing regular file at `output` may be replaced.
    @Flag(help: "Replace an existing file (a regular file only), once the new one is complete.")
    public var force = false

    /// The options' defaults; ArgumentParser fills them from the command line.
    public init() {}

    /// Checks that `output` may be written: see ``OutputTarget/check(_:inputs:inputFolders:force:)``.
    public func check(inputs: [String] = [], inputFolders: [String] = []) throws {
        try OutputTarget.check(output, inputs: inputs, inputFolders: inputFolders, force: force)
    }
}
