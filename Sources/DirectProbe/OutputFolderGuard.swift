import Foundation

/// Leaves an output folder reusable after a failed run.
///
/// Result files that a failed run created (they did not exist when it started) are
/// removed, so that the corrected rerun is not refused as "not empty"; the failed run's
/// `log.txt` is kept as the hidden `.failed-run.log` for inspection. Files that existed
/// before (a `--force` rerun over earlier results) are left alone.
struct OutputFolderGuard {
    /// The output folder.
    let folder: String
    private let entriesBefore: Set<String>

    /// The names a run writes into its output folder.
    static let resultFiles = ["clusters.txt", "vec.txt", "outside_min.txt", "inside_mean.txt", "inside_max.txt",
                              "prediction.txt", "dis.txt", "summary.json", "log.txt"]

    /// Notes what `folder` holds now.
    init(_ folder: String) {
        self.folder = folder
        entriesBefore = Set((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
    }

    /// Runs `body`; if it throws, removes the result files it created, then rethrows.
    func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            undo()
            throw error
        }
    }

    private func undo() {
        let fm = FileManager.default
        for name in Self.resultFiles where !entriesBefore.contains(name) {
            let path = (folder as NSString).appendingPathComponent(name)
            guard fm.fileExists(atPath: path) else { continue }
            if name == "log.txt" {
                let kept = (folder as NSString).appendingPathComponent(".failed-run.log")
                if rename(path, kept) == 0 { continue }
            }
            try? fm.removeItem(atPath: path)
        }
    }
}
