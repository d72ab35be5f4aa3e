import Foundation
import Synchronization

/// What to undo if the process is interrupted: temporary files, scratch folders, and notes
/// to leave (such as "interrupted by SIGINT" in a run's log).
///
/// Libraries only register and unregister here; they never install signal handlers. The
/// executables own signal handling (see `SignalHandler` in ProbeCommandLine): on SIGINT,
/// SIGTERM or SIGHUP they call `runAll(reason:)` from an ordinary thread, so the cleanup
/// may allocate, take locks and remove whole folders, then they exit.
///
/// Thread-safe: every entry lives in a dictionary behind one `Mutex`, so there is no fixed
/// table to fill up and no slot that could be read while it is freed.
public final class CleanupRegistry: Sendable {
    /// The process-wide registry.
    public static let shared = CleanupRegistry()

    /// A registered entry; pass it back to `unregister` or `cleanUpNow`.
    public struct Registration: Hashable, Sendable {
        fileprivate let id: UInt64
    }

    private enum Entry {
        case file(String)
        case folder(String)
        case note(@Sendable (String) -> Void)
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// A registry of its own (the shared one is what the executables clean up).
    public init() {}

    /// Removes the file at `path` if the process is interrupted before `unregister`.
    public func register(file path: String) -> Registration { add(.file(path)) }

    /// Removes the folder at `path` and everything in it if the process is interrupted.
    public func register(folder path: String) -> Registration { add(.folder(path)) }

    /// Calls `note` with the reason (e.g. "interrupted by SIGINT") if the process is
    /// interrupted; notes run before any file is removed.
    public func register(note: @escaping @Sendable (String) -> Void) -> Registration { add(.note(note)) }

    /// Forgets an entry (its file was committed, its folder already removed).
    public func unregister(_ registration: Registration) {
        state.withLock { $0.entries[registration.id] = nil }
    }

    /// Forgets an entry and does its cleanup now (removes the file or folder; a note is dropped).
    public func cleanUpNow(_ registration: Registration) {
        let entry = state.withLock { $0.entries.removeValue(forKey: registration.id) }
        switch entry {
        case .file(let path): unlink(path)
        case .folder(let path): try? FileManager.default.removeItem(atPath: path)
        case .note, nil: break
        }
    }

    /// The number of entries registered now.
    public var count: Int {
        state.withLock { $0.entries.count }
    }

    /// Runs every note with `reason`, then removes every registered file and folder, then
    /// calls `exit` (if given) before letting go of the lock.
    ///
    /// For the executables' interruption path, which passes its `_exit`: a thread that tries
    /// to register a new temporary file meanwhile waits until the process is gone instead of
    /// leaving one behind. Notes must not call the registry. Not for use in a signal handler
    /// (it allocates).
    public func runAll(reason: String, exit: (() -> Never)? = nil) {
        state.withLock { state in
            let ordered = state.entries.sorted { $0.key < $1.key }.map(\.value)
            for case .note(let note) in ordered { note(reason) }
            for case .file(let path) in ordered { unlink(path) }
            for case .folder(let path) in ordered { try? FileManager.default.removeItem(atPath: path) }
            state.entries.removeAll()
            if let exit { exit() }
        }
    }

    private func add(_ entry: Entry) -> Registration {
        state.withLock { state in
            state.nextID += 1
            state.entries[state.nextID] = entry
            return Registration(id: state.nextID)
        }
    }
}
