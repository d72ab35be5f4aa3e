import Foundation
import ProbeStore
import Synchronization

/// The run's `log.txt`: timestamped lines in the reference's format, echoed to stderr.
///
/// Thread-safe. Each line is also appended to `log.txt` as it happens (so a long run can
/// be followed with `tail -f`); at the end the whole log is rewritten atomically.
public final class RunLog: Sendable {
    /// What the lock guards: the lines so far, and the followed file.
    private struct State {
        var lines: [String] = []
        var live: FileHandle?
        var interruptNote: CleanupRegistry.Registration?
        /// Set by the interrupt note: the followed file ends with it (the run's threads may
        /// still log while the process exits, but not after the note).
        var interrupted = false
    }

    private let state = Mutex(State())
    private let echo: Bool
    private let formatter: DateFormatter

    /// Creates a log; `echo` also prints each line to stderr.
    public init(echo: Bool) {
        self.echo = echo
        formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss,SSS"
    }

    /// Starts appending every line (those so far included) to the file at `path`.
    public func follow(_ path: String) {
        let opened = state.withLock { state in
            guard FileManager.default.createFile(atPath: path, contents: Data(state.lines.map { $0 + "\n" }.joined().utf8)),
                  let handle = FileHandle(forWritingAtPath: path) else { return false }
            handle.seekToEndOfFile()
            state.live = handle
            return state.interruptNote == nil
        }
        guard opened else { return }
        // If the process is interrupted (the executables run the registry on SIGINT/SIGTERM),
        // the followed log says so as its last line. Registered outside the log's lock: the
        // registry runs this note under its own lock, and the note takes the log's.
        let note = CleanupRegistry.shared.register { [weak self] reason in self?.info(reason, isFinal: true) }
        let kept = state.withLock { state in
            guard state.interruptNote == nil else { return false }
            state.interruptNote = note
            return true
        }
        if !kept { CleanupRegistry.shared.unregister(note) }
    }

    deinit {
        let (note, live) = state.withLock { ($0.interruptNote, $0.live) }
        if let note { CleanupRegistry.shared.unregister(note) }
        live?.closeFile()
    }

    /// Adds an INFO line.
    public func info(_ message: String) {
        info(message, isFinal: false)
    }

    /// Adds an INFO line; `isFinal` (the interrupt note) makes it the last line of the
    /// followed file and of stderr.
    private func info(_ message: String, isFinal: Bool) {
        let line = "\(formatter.string(from: Date()))-probe-INFO: \(message)"
        let shown = state.withLock { state -> Bool in
            guard !state.interrupted else { return false }
            state.lines.append(line)
            state.live?.write(Data((line + "\n").utf8))
            state.interrupted = isFinal
            return true
        }
        if shown && echo { FileHandle.standardError.write(Data((line + "\n").utf8)) }
    }

    /// Everything logged so far, one line each, with a final newline.
    public var text: String {
        state.withLock { $0.lines.map { $0 + "\n" }.joined() }
    }
}
