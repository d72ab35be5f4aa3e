import Foundation
import Testing
@testable import ProbeStore

/// Writes `rows` (all of one width `columns`) as a float32 dataset of a new store.
func writeMatrixStore(_ path: String, dataset: String = "/embeddings/x", rows: [[Float]], columns: Int,
                      storage: MatrixStorage = .contiguous) throws {
    let file = try H5File.create(path: path)
    let matrix = try file.createMatrix(dataset, rows: rows.count, columns: columns, storage: storage)
    let flat = rows.flatMap { $0 }
    try flat.withUnsafeBufferPointer { try matrix.writeRows(firstRow: 0, rowCount: rows.count, columns: columns, from: $0) }
    try file.flush()
}

/// Issue 9 cases 2 and 4: degenerate shapes and non-finite values in `.h5` inputs.
@Suite("Hardening: store inputs")
struct StoreInputHardeningTests {
    @Test("a 0-column dataset is an input error naming the dataset", arguments: [MatrixStorage.contiguous, .compressed(chunkRows: 4, level: 1)])
    func zeroColumns(storage: MatrixStorage) throws {
        let folder = TemporaryFolder()
        let path = folder.file("zero.h5")
        try writeMatrixStore(path, rows: Array(repeating: [], count: 6), columns: 0, storage: storage)
        #expect { try EmbeddingMatrix(path: path, dataset: "/embeddings/x") } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.file == path && error.message.contains("/embeddings/x") && error.message.contains("0 values")
        }
    }

    @Test("NaN and infinities are found with their row and column, on the mapped and the HDF5 read paths",
          arguments: [0, 1, 2], [true, false])
    func nonFinite(kind: Int, mapped: Bool) throws {
        let (value, name) = [(Float.nan, "NaN"), (Float.infinity, "+infinity"), (-Float.infinity, "-infinity")][kind]
        let folder = TemporaryFolder()
        let path = folder.file("bad.h5")
        var rows = (0..<300).map { r in (0..<7).map { Float(r * 7 + $0) } }
        rows[211][4] = value
        try writeMatrixStore(path, rows: rows, columns: 7)
        let matrix = try EmbeddingMatrix(path: path, dataset: "/embeddings/x", allowMemoryMap: mapped)
        #expect(matrix.isMemoryMapped == mapped)
        #expect { try matrix.scanValues(source: "bad.h5:x") } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.file == "bad.h5:x" && error.message.contains("\(name) at row 212, column 5")
        }
    }

    @Test("the scan of a finite matrix returns its largest magnitude")
    func largest() throws {
        let folder = TemporaryFolder()
        let path = folder.file("ok.h5")
        try writeMatrixStore(path, rows: [[1, -3e30, 2], [0, 5, -7]], columns: 3)
        #expect(try EmbeddingMatrix(path: path, dataset: "/embeddings/x").scanValues() == ValueScan(largestMagnitude: 3e30))
    }
}

/// Runs a built tool and returns its exit status and standard error.
func runTool(_ name: String, _ arguments: [String], in directory: String? = nil) throws -> (status: Int32, stderr: String, stdout: String)? {
    guard let tool = builtExecutable(name) else { return nil }
    let process = Process()
    process.executableURL = tool
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let errors = Pipe(), output = Pipe()
    process.standardError = errors
    process.standardOutput = output
    try process.run()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: errorData, as: UTF8.self), String(decoding: outputData, as: UTF8.self))
}

/// Issue 9 case 8: probe-convert never writes over its input or onto a non-regular file.
@Suite("Hardening: probe-convert outputs")
struct ConvertOutputTests {
    @Test("an output that resolves to the input is refused, even with --force", arguments: ["in.txt", "./././in.txt", "link.txt", "hard.txt"])
    func ownInput(spelling: String) throws {
        let folder = TemporaryFolder()
        let input = folder.write("in.txt", "1 2 3\n4 5 6\n")
        symlink(input, folder.file("link.txt"))
        link(input, folder.file("hard.txt"))
        guard let result = try runTool("probe-convert", ["in.txt", "-o", spelling, "--force", "--quiet"], in: folder.path) else {
            Issue.record("probe-convert is not built next to the tests"); return
        }
        #expect(result.status == 1)
        #expect(result.stderr.contains("is the input"), "\(result.stderr)")
        #expect(try String(contentsOfFile: input, encoding: .utf8) == "1 2 3\n4 5 6\n")
    }

    @Test("an output that is one of a task's files, or inside its embeddings folder, is refused")
    func insideTask() throws {
        let folder = TemporaryFolder()
        _ = makeTask(in: folder)
        let target = folder.file("task/embeddings/m/train/0/1.txt")
        let before = try Data(contentsOf: URL(fileURLWithPath: target))
        for output in [target, folder.file("task/embeddings/new.h5"), folder.file("task/labels/tags.txt")] {
            guard let result = try runTool("probe-convert", [folder.file("task"), "-o", output, "--force", "--quiet"]) else {
                Issue.record("probe-convert is not built next to the tests"); return
            }
            #expect(result.status == 1, "\(output)")
            #expect(result.stderr.contains(output), "\(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == before)
        #expect(!FileManager.default.fileExists(atPath: folder.file("task/embeddings/new.h5")))
        // Next to the task's folders is fine.
        let fine = try runTool("probe-convert", [folder.file("task"), "-o", folder.file("task/task.h5"), "--quiet"])
        #expect(fine?.status == 0, "\(fine?.stderr ?? "")")
    }

    @Test("an output that is a named pipe or a folder is refused with --force, and left as it was")
    func notRegular() throws {
        let folder = TemporaryFolder()
        folder.write("in.txt", "1 2 3\n")
        mkfifo(folder.file("pipe"), 0o600)
        try FileManager.default.createDirectory(atPath: folder.file("dir"), withIntermediateDirectories: true)
        for (name, kind) in [("pipe", "a named pipe"), ("dir", "a folder")] {
            guard let result = try runTool("probe-convert", [folder.file("in.txt"), "-o", folder.file(name), "--force", "--quiet"]) else {
                Issue.record("probe-convert is not built next to the tests"); return
            }
            #expect(result.status == 1)
            #expect(result.stderr.contains("not a regular file (\(kind))"), "\(result.stderr)")
        }
        var info = stat()
        #expect(stat(folder.file("pipe"), &info) == 0 && (info.st_mode & S_IFMT) == S_IFIFO)
    }

    @Test("resolving a path that does not exist yet keeps its missing components")
    func resolveMissing() {
        let folder = TemporaryFolder()
        let real = OutputTarget.resolve(folder.path)
        #expect(OutputTarget.resolve(folder.path + "/./a/../b/c.h5") == real + "/b/c.h5")
    }
}

/// Issue 9 case 10: task folders behind symbolic links are read; unreadable ones are errors.
@Suite("Hardening: task folders")
struct TaskFolderTests {
    func keys(_ folder: TemporaryFolder) throws -> [String] {
        try TaskDirectory(root: folder.file("task")).embeddings.map(\.key)
    }

    @Test("a symlinked iteration folder and a symlinked embeddings/ folder are followed")
    func symlinks() throws {
        let folder = TemporaryFolder()
        _ = makeTask(in: folder)
        let expected = try keys(folder)
        #expect(expected.contains("m/train/0/1"))
        let fm = FileManager.default
        try fm.moveItem(atPath: folder.file("task/embeddings/m/train/0"), toPath: folder.file("elsewhere-0"))
        #expect(symlink(folder.file("elsewhere-0"), folder.file("task/embeddings/m/train/0")) == 0)
        #expect(try keys(folder) == expected)
        try fm.moveItem(atPath: folder.file("task/embeddings"), toPath: folder.file("embeddings-elsewhere"))
        #expect(symlink("../embeddings-elsewhere", folder.file("task/embeddings")) == 0)
        #expect(try keys(folder) == expected)
        let report = try Converter.convertTask(TaskDirectory(root: folder.file("task")), to: folder.file("t.h5"), options: {
            var options = ConversionOptions(); options.showProgress = false; return options
        }())
        #expect(report.datasets.count == expected.count)
    }

    @Test("a dangling link and a link loop are errors naming the path")
    func brokenLinks() throws {
        let folder = TemporaryFolder()
        _ = makeTask(in: folder)
        symlink(folder.file("nowhere"), folder.file("task/embeddings/m/train/7"))
        #expect { try keys(folder) } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.file.hasSuffix("train/7") && error.message.contains("target is missing")
        }
        unlink(folder.file("task/embeddings/m/train/7"))
        symlink(folder.file("task/embeddings/m"), folder.file("task/embeddings/m/train/loop"))
        #expect { try keys(folder) } throws: { error in
            (error as? InputError)?.message.contains("leads back") == true
        }
    }

    @Test("an unreadable iteration folder is an error, not skipped", .enabled(if: getuid() != 0, "root reads every folder"))
    func unreadable() throws {
        let folder = TemporaryFolder()
        _ = makeTask(in: folder)
        let iteration = folder.file("task/embeddings/m/train/0")
        chmod(iteration, 0)
        defer { chmod(iteration, 0o755) }
        #expect { try keys(folder) } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.file == iteration && error.message.contains("cannot read the folder")
        }
    }

    @Test("an unreadable folder is reported by FolderWalk.entries with the reason")
    func entriesError() {
        #expect { try FolderWalk.entries(of: "/nonexistent-folder-for-test") } throws: { error in
            (error as? InputError)?.message.contains("cannot read the folder: No such file or directory") == true
        }
    }
}

/// Issue 9 case 13: messages show the meaningful part, escaped and with the path.
@Suite("Hardening: messages")
struct MessageTests {
    @Test("fragments are escaped and shortened in the middle, keeping a number's exponent")
    func quoting() {
        #expect(UserText.quoted("abc") == "'abc'")
        #expect(UserText.quoted("\u{1B}[31m5\t") == "'\\x1B[31m5\\t'")
        #expect(UserText.quoted([0x31, 0xFF, 0x32]) == "'1\\xFF2'")
        let long = "0." + String(repeating: "1", count: 60) + "e-5000"
        let shown = UserText.quoted(long)
        #expect(shown.hasSuffix("e-5000' (68 bytes)") && shown.contains("…"), "\(shown)")
        #expect(UserText.quoted("é") == "'é'")
    }

    @Test("a bad token in an embeddings file is escaped and keeps its end", arguments: [
        ("1 2\n4 \u{1B}[31m5\n", "'\\x1B[31m5'"),
        ("1 2\n0.\(String(repeating: "7", count: 60))e-5x 1\n", "e-5x' (66 bytes)"),
    ])
    func tokens(text: String, shown: String) throws {
        let folder = TemporaryFolder()
        let path = folder.write("e.txt", text)
        #expect { _ = try EmbeddingTextReader(path: path).stream { _ in } } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.line == 2 && error.message.contains(shown)
        }
    }

    @Test("a binary file is called binary, not given line-ending advice")
    func binary() throws {
        let folder = TemporaryFolder()
        let path = folder.file("b.txt")
        FileManager.default.createFile(atPath: path, contents: Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0x00, 0x0D, 0x0A]))
        #expect { _ = try EmbeddingTextReader(path: path).stream { _ in } } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.message.contains("binary file") && !error.message.contains("dos2unix")
        }
    }

    @Test("a truncated store gives the reason and a hint; the full HDF5 stack only in details")
    func truncatedStore() throws {
        let folder = TemporaryFolder()
        let path = folder.file("whole.h5")
        try writeMatrixStore(path, rows: [[1, 2], [3, 4]], columns: 2)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = folder.file("cut.h5")
        FileManager.default.createFile(atPath: cut, contents: bytes.prefix(1000))
        #expect { try EmbeddingMatrix(path: cut, dataset: "/embeddings/x") } throws: { error in
            guard let error = error as? HDF5Error else { return false }
            let line = error.description
            return line.contains(cut) && line.contains("truncated file") && line.contains("copy or convert it again")
                && !line.contains("(H5F") && !line.contains("\n") && error.details.contains("H5Fopen")
        }
    }

    @Test("probe-convert: a missing output folder is one line naming it, without HDF5 text")
    func missingFolder() throws {
        let folder = TemporaryFolder()
        let input = folder.write("in.txt", "1 2\n")
        guard let result = try runTool("probe-convert", [input, "-o", folder.file("nowhere/out.h5"), "--quiet"]) else {
            Issue.record("probe-convert is not built next to the tests"); return
        }
        #expect(result.status == 1)
        #expect(result.stderr.split(separator: "\n").count == 1 && result.stderr.contains("nowhere") && result.stderr.contains("does not exist"))
        #expect(!result.stderr.contains("HDF5"))
    }
}

/// Issue 9 case 13: HDF5 error stacks as HDF5 1.10 reports them, reduced to one line.
@Suite("Hardening: HDF5 messages")
struct HDF5MessageTests {
    @Test("a missing compression filter names the filter and what to do, not the plugin search")
    func missingFilter() {
        // The stack libhdf5 1.10 reports for an h5py LZF dataset (collected by the shim's walker).
        let stack = "can't read data (H5Dread); can't read data (H5D__read); unable to read raw data chunk (H5D__chunk_read); data pipeline read failed (H5D__chunk_lock); required filter 'lzf' is not registered (H5Z_pipeline); search in path table failed (H5PL_load); search in path /usr/lib/hdf5/plugins encountered an error (H5PL__find_plugin_in_path_table); can't open directory: /usr/lib/hdf5/plugins (H5PL__find_plugin_in_path)"
        let error = HDF5Error(operation: "read rows 0..<10 of /embeddings/x in a.h5", stack: stack)
        #expect(error.description == "HDF5: read rows 0..<10 of /embeddings/x in a.h5 failed: required filter 'lzf' is not registered; the dataset uses a compression filter this HDF5 library lacks; rewrite it with gzip/deflate or uncompressed (e.g. probe-convert)")
        #expect(error.details.contains("H5PL__find_plugin_in_path"))
    }

    @Test("a system error inside the stack is the reason")
    func systemReason() {
        let stack = "can't write data (H5Dwrite); file write failed: time = Wed Dec  2 00:47:01 2026\n, filename = 'x.h5', file descriptor = 5, errno = 28, error message = 'No space left on device', buf = 0x1 (H5FD__sec2_write)"
        #expect(HDF5Error(operation: "write rows 0..<5 of /e in x.h5", stack: stack).description == "HDF5: write rows 0..<5 of /e in x.h5 failed: No space left on device")
    }
}
