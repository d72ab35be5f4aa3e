import Foundation
import ProbeStore

/// Whether a path names an existing directory.
func isDirectory(_ path: String) -> Bool {
    var directory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
}

/// Whether a path names an existing regular file (or a link to one).
func isFile(_ path: String) -> Bool {
    var directory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && !directory.boolValue
}

/// `folder/name`, without doubling a trailing slash.
func join(_ folder: String, _ name: String) -> String {
    folder.hasSuffix("/") ? folder + name : folder + "/" + name
}

/// Whether `folder` holds at least one of `names`: a sub-folder for a name ending in `/`, else a file.
func holdsAny(of names: [String], in folder: String) -> Bool {
    names.contains { $0.hasSuffix("/") ? isDirectory(join(folder, String($0.dropLast()))) : isFile(join(folder, $0)) }
}

/// Throws an `InputError` saying that `folder` is not a `kind` folder unless it holds one of `names` (see ``holdsAny(of:in:)``).
func requireAny(of names: [String], in folder: String, kind: String) throws {
    guard holdsAny(of: names, in: folder) else {
        throw InputError(file: folder, "not a \(kind) folder: none of \(names.joined(separator: ", ")) is there")
    }
}

/// Sorts names numerically when every one is an integer, else by their text.
func sortedNames(_ names: [String]) -> [String] {
    let numbers = names.map { Int($0) }
    if numbers.allSatisfy({ $0 != nil }) {
        return zip(names, numbers).sorted { ($0.1 ?? 0, $0.0) < ($1.1 ?? 0, $1.0) }.map(\.0)
    }
    return names.sorted()
}
