import Foundation

/// Lists the files under a folder, recursively, the way a user expects a tool to read a
/// data folder: symbolic links are followed (to folders and to files), a folder that
/// cannot be read is an error naming it (never skipped), and so is a dangling link. A link
/// back to a folder already being walked is an error too, instead of an endless walk.
public enum FolderWalk {
    /// Paths relative to `root` of every regular file under it (links resolved), sorted.
    public static func files(under root: String) throws -> [String] {
        var result: [String] = []
        var ancestors: [(dev_t, ino_t)] = []
        try walk(root, relative: "", ancestors: &ancestors, into: &result)
        return result.sorted()
    }

    /// The entries of one folder (names, sorted); an unreadable folder is an `InputError`.
    public static func entries(of folder: String) throws -> [String] {
        guard let directory = opendir(folder) else {
            throw InputError(file: folder, "cannot read the folder: \(String(cString: strerror(errno))); check its permissions")
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    private static func walk(_ folder: String, relative: String, ancestors: inout [(dev_t, ino_t)], into result: inout [String]) throws {
        var info = stat()
        guard stat(folder, &info) == 0 else {
            throw InputError(file: folder, "cannot open: \(String(cString: strerror(errno)))\(isLink(folder) ? " (a symbolic link whose target is missing)" : "")")
        }
        if ancestors.contains(where: { $0.0 == info.st_dev && $0.1 == info.st_ino }) {
            throw InputError(file: folder, "a symbolic link leads back to a folder that contains it; remove the loop")
        }
        ancestors.append((info.st_dev, info.st_ino))
        defer { ancestors.removeLast() }
        for name in try entries(of: folder) {
            let path = (folder as NSString).appendingPathComponent(name)
            let child = relative.isEmpty ? name : relative + "/" + name
            var entry = stat()
            guard stat(path, &entry) == 0 else {
                throw InputError(file: path, "cannot open: \(String(cString: strerror(errno)))\(isLink(path) ? " (a symbolic link whose target is missing)" : "")")
            }
            switch entry.st_mode & S_IFMT {
            case S_IFDIR: try walk(path, relative: child, ancestors: &ancestors, into: &result)
            case S_IFREG: result.append(child)
            default: continue  // sockets, pipes, devices: not data files
            }
        }
    }

    private static func isLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }
}
