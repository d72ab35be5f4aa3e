import Foundation

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

/// Sorts names numerically when every one is an integer, else by their text.
func sortedNames(_ names: [String]) -> [String] {
    let numbers = names.map { Int($0) }
    if numbers.allSatisfy({ $0 != nil }) {
        return zip(names, numbers).sorted { ($0.1 ?? 0, $0.0) < ($1.1 ?? 0, $1.0) }.map(\.0)
    }
    return names.sorted()
}
