import Foundation

/// A key the run needs that is absent or empty.
public struct MissingConfigurationKeyError: ConfigurationFileError, Equatable {
    /// The configuration file.
    public let path: String
    /// Where the empty value was written; nil when the key is absent.
    public let location: SourceLocation?
    /// The section the key belongs in.
    public let section: String
    /// The key.
    public let key: String
    /// True when the key is present with an empty value.
    public let isEmpty: Bool
    /// Whether the section exists at all.
    public let sectionExists: Bool
    /// The mode that needs the key, when only some modes do.
    public let mode: String?

    /// Names the file, the section, the key and the mode that needs it.
    public var description: String {
        let state = isEmpty
            ? "is empty"
            : sectionExists ? "is missing" : "is missing (the file has no [\(section)] section)"
        let need = mode.map { " in mode '\($0)'" } ?? ""
        let fix = isEmpty ? "give it a value" : "add '\(key) = ...' under [\(section)]"
        return "\(location?.description ?? path): [\(section)] \(key) is required\(need) but \(state); \(fix)"
    }
}

/// A value that does not parse as what its key needs (mode, rate, boolean).
public struct InvalidConfigurationValueError: ConfigurationFileError, Equatable {
    /// The configuration file.
    public let path: String
    /// Where the value was written; nil when set by an override.
    public let location: SourceLocation?
    /// The section.
    public let section: String
    /// The key.
    public let key: String
    /// The value (after interpolation).
    public let value: String
    /// What the value should be.
    public let expected: String

    /// Names the file and line, the key, the value and what is allowed.
    public var description: String {
        let origin = location.map(\.description) ?? "\(path) (value set by an override)"
        // configparser has no inline comments, so "0.05 # step" reaches us whole.
        let hint = value.contains(" #") || value.contains(" ;")
            ? " (a comment after a value is part of the value: put comments on their own line)"
            : ""
        return "\(origin): [\(section)] \(key) = \(quoted(value)) is not valid; expected \(expected)\(hint)"
    }
}
