import Foundation

/// Checks where a tool is about to write, before it starts: never over one of its own
/// inputs (by any spelling of the path: `./././in.txt`, a symlink, a hard link), never
/// inside a folder it reads, and never onto something that is not a regular file (a device
/// node, a folder, a socket), `--force` or not.
public enum OutputTarget {
    /// Throws an `InputError` naming `output` when writing it could destroy an input.
    ///
    /// - Parameters:
    ///   - inputs: files the tool reads; the output must not be any of them.
    ///   - inputFolders: folders the tool reads recursively; the output must not lie inside.
    ///   - force: whether an existing regular file may be replaced.
    public static func check(_ output: String, inputs: [String] = [], inputFolders: [String] = [], force: Bool) throws {
        guard !output.isEmpty else { throw InputError(file: "(output)", "the output path is empty; name a file to write") }
        let resolved = resolve(output)
        var info = stat()
        let exists = stat(output, &info) == 0
        let folder = (resolved as NSString).deletingLastPathComponent
        var folderInfo = stat()
        if !exists {
            guard stat(folder, &folderInfo) == 0 else {
                throw InputError(file: output, "the folder \(folder) does not exist; create it first or choose another output path")
            }
            guard (folderInfo.st_mode & S_IFMT) == S_IFDIR else {
                throw InputError(file: output, "\(folder) is not a folder; choose another output path")
            }
            guard access(folder, W_OK) == 0 else {
                throw InputError(file: output, "cannot write into \(folder): \(String(cString: strerror(errno)))")
            }
        }
        if exists {
            guard (info.st_mode & S_IFMT) == S_IFREG else {
                throw InputError(file: output, "exists and is not a regular file (\(kind(info.st_mode))); name a new file to write")
            }
            if !force {
                throw InputError(file: output, "the output exists; pass --force to replace it (it is replaced only once the new file is complete)")
            }
        }
        for input in inputs {
            var other = stat()
            let sameFile = exists && stat(input, &other) == 0 && other.st_dev == info.st_dev && other.st_ino == info.st_ino
            if sameFile || resolve(input) == resolved {
                throw InputError(file: output, "is the input \(input); write the output to another file")
            }
        }
        for folder in inputFolders {
            let root = resolve(folder)
            if resolved == root || resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/") {
                throw InputError(file: output, "lies inside the input folder \(folder), which is read while it is written; write the output elsewhere")
            }
        }
    }

    /// Creates `path` and any missing parent folders; a failure is an `InputError` naming
    /// the folder that could not be made and the system's reason ("Not a directory").
    public static func createFolder(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { return }
            throw InputError(file: path, "exists and is not a folder")
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try createFolder(parent) }
        if mkdir(path, 0o777) != 0 && errno != EEXIST {
            throw InputError(file: path, "cannot create the folder: \(String(cString: strerror(errno))); check the path and its permissions")
        }
    }

    /// The absolute path with every symlink and `.`/`..` resolved; for a path that does not
    /// exist yet, its nearest existing ancestor is resolved and the rest appended.
    public static func resolve(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var head = absolute
        var tail: [String] = []
        while true {
            if let real = realpath(head, nil) {
                defer { free(real) }
                var result = String(cString: real)
                for component in tail.reversed() {
                    if component == "." || component.isEmpty { continue }
                    if component == ".." { result = (result as NSString).deletingLastPathComponent; continue }
                    result = result == "/" ? "/" + component : result + "/" + component
                }
                return result
            }
            let parent = (head as NSString).deletingLastPathComponent
            if parent == head || parent.isEmpty { return absolute }
            tail.append((head as NSString).lastPathComponent)
            head = parent
        }
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a folder"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a named pipe"
        case S_IFSOCK: return "a socket"
        default: return "not a plain file"
        }
    }
}
