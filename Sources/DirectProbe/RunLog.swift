import Foundation
import ProbeStore

/// The run's `log.txt`: timestamped lines in the reference's format, echoed to stderr.
///
/// Thread-safe. Each line is also appended to `log.txt` as it happens (so a long run can
/// be followed with `tail -f`); at the end the whole log is rewritten atomically.
public final class RunLog: @unchecked Sendable {
    private var lines: [String] = []
    private let lock = NSLock()
    private let echo: Bool
    private let formatter: DateFormatter
    private var live: FileHandle?
    private var interruptNote: CleanupRegistry.Registration?

    /// Creates a log; `echo` also prints each line to stderr.
    public init(echo: Bool) {
        self.echo = echo
        formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss,SSS"
    }

    /// Starts appending every line (those so far included) to the file at `path`.
    public func follow(_ path: String) {
        lock.lock()
        defer { lock.unlock() }
        guard FileManager.default.createFile(atPath: path, contents: Data(lines.map { $0 + "\n" }.joined().utf8)),
              let handle = FileHandle(forWritingAtPath: path) else { return }
        handle.seekToEndOfFile()
        live = handle
        // If the process is interrupted (the executables run the registry on SIGINT/SIGTERM),
        // the followed log says so as its last line.
        if interruptNote == nil {
            interruptNote = CleanupRegistry.shared.register { [weak self] reason in self?.info(reason) }
        }
    }

    deinit {
        if let interruptNote { CleanupRegistry.shared.unregister(interruptNote) }
        live?.closeFile()
    }

    /// Adds an INFO line.
    public func info(_ message: String) {
        let line = "\(formatter.string(from: Date()))-probe-INFO: \(message)"
        lock.lock()
        lines.append(line)
        live?.write(Data((line + "\n").utf8))
        lock.unlock()
        if echo { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    /// Everything logged so far, one line each, with a final newline.
    public var text: String {
        lock.lock(); defer { lock.unlock() }
        return lines.map { $0 + "\n" }.joined()
    }
}
