import Foundation

/// A fresh temporary folder for one test, removed with everything in it when released.
public final class TemporaryFolder {
    /// The folder's path.
    public let path: String

    /// Creates a folder with a unique name under the system's temporary folder.
    public init() {
        path = NSTemporaryDirectory() + "probe-tests-\(getpid())-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The path of `relative` inside the folder.
    public func file(_ relative: String) -> String { (path as NSString).appendingPathComponent(relative) }

    /// Writes `text` to `relative` (creating folders) and returns the full path.
    @discardableResult
    public func write(_ relative: String, _ text: String) -> String {
        write(relative, data: Data(text.utf8))
    }

    /// Writes raw bytes to `relative` (creating folders) and returns the full path.
    @discardableResult
    public func write(_ relative: String, bytes: [UInt8]) -> String {
        write(relative, data: Data(bytes))
    }

    private func write(_ relative: String, data: Data) -> String {
        let full = file(relative)
        try? FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: data)
        return full
    }
}
