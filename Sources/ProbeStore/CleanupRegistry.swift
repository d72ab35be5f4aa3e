import Foundation

/// What to undo if the process is interrupted: temporary files, scratch folders, and notes
/// to leave (such as "interrupted by SIGINT" in a run's log).
///
/// Libraries only register and unregister here; they never install signal handlers. The
/// executables own signal handling (see `SignalHandler` in ProbeCommandLine): on SIGINT,
/// SIGTERM or SIGHUP they call `runAll(reason:)` from an ordinary thread, so the cleanup
/// may allocate, take locks and remove whole folders, then they exit.
///
/// Thread-safe: every entry lives in a dictionary behind one lock, so there is no fixed
/// table to fill up and no slot that could be read while it is freed. `@unchecked Sendable`
/// because the lock guards all mutable state.
public final class CleanupRegistry: @unchecked Sendable {
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

    private let lock = NSLock()
    private var entries: [UInt64: Entry] = [:]
    private var nextID: UInt64 = 0

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
        lock.lock()
        entries[registration.id] = nil
        lock.unlock()
    }

    /// Forgets an entry and does its cleanup now (removes the file or folder; a note is dropped).
    public func cleanUpNow(_ registration: Registration) {
        lock.lock()
        let entry = entries.removeValue(forKey: registration.id)
        lock.unlock()
        switch entry {
        case .file(let path): unlink(path)
        case .folder(let path): try? FileManager.default.removeItem(atPath: path)
        case .note, nil: break
        }
    }

    /// The number of entries registered now.
    public var count: Int {
        lock.lock(); defer { lock.unlock() }
        return entries.count
    }

    /// Runs every note with `reason`, then removes every registered file and folder.
    ///
    /// For the executables' interruption path, which exits right after: the lock is kept,
    /// so a thread that tries to register a new temporary file meanwhile waits instead of
    /// leaving one behind. Not for use in a signal handler (it allocates).
    public func runAll(reason: String) {
        lock.lock()
        let ordered = entries.sorted { $0.key < $1.key }.map(\.value)
        for case .note(let note) in ordered { note(reason) }
        for case .file(let path) in ordered { unlink(path) }
        for case .folder(let path) in ordered { try? FileManager.default.removeItem(atPath: path) }
        entries.removeAll()
    }

    private func add(_ entry: Entry) -> Registration {
        lock.lock()
        defer { lock.unlock() }
        nextID += 1
        entries[nextID] = entry
        return Registration(id: nextID)
    }
}
