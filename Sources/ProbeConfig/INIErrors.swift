import Foundation

/// An error in a configuration file: a one-line message (``description``) that names the
/// file and, where it has one, the line, and says how to fix it.
///
/// The errors are made by the reader only (their initialisers are internal); callers read
/// their fields and print their description.
public protocol ConfigurationFileError: Error, CustomStringConvertible, LocalizedError, Sendable {}

extension ConfigurationFileError {
    /// Same as ``description``.
    public var errorDescription: String? { description }
}

/// `location: ` when known; values set by an override have none.
private func prefix(_ location: SourceLocation?) -> String {
    location.map { "\($0): " } ?? ""
}

/// The origin of a value with no location: set by an override.
private func overrideNote(_ location: SourceLocation?) -> String {
    location == nil ? " (value set by an override)" : ""
}

/// A configuration file that cannot be read at all (missing, unreadable, not UTF-8).
public struct INIReadError: ConfigurationFileError, Equatable {
    /// The file's path.
    public let path: String
    /// What went wrong.
    public let reason: String

    /// `path: reason`.
    public var description: String { "\(path): \(reason)" }
}

/// A non-blank, non-comment line before the first `[section]` header
/// (Python's `MissingSectionHeaderError`).
public struct MissingSectionHeaderError: ConfigurationFileError, Equatable {
    /// The offending line.
    public let location: SourceLocation
    /// The line as written.
    public let line: String

    /// Names the file, line and text, and says to add a header.
    public var description: String {
        "\(location): \(quoted(line)) comes before any [section] header; "
            + "add a header such as [run] above it"
    }
}

/// A line that is neither a header, a `key = value` line, a comment nor a
/// continuation (Python's `ParsingError`).
public struct INIParsingError: ConfigurationFileError, Equatable {
    /// Where the problem is.
    public let location: SourceLocation
    /// The line as written.
    public let line: String
    /// The section the line is in.
    public let section: String
    /// What is wrong and how to fix it.
    public let problem: String

    /// Names the file, line, column, section and text.
    public var description: String {
        "\(location): in [\(section)], \(quoted(line)): \(problem)"
    }
}

/// A `[section]` header that appears twice in one file (Python's `DuplicateSectionError`).
public struct DuplicateSectionError: ConfigurationFileError, Equatable {
    /// The repeated section's name.
    public let section: String
    /// The second header.
    public let location: SourceLocation
    /// The first header.
    public let firstLocation: SourceLocation

    /// Names both headers' lines.
    public var description: String {
        "\(location): section [\(section)] already exists (first header at line \(firstLocation.line)); "
            + "merge the two sections into one"
    }
}

/// A key written twice in one section (Python's `DuplicateOptionError`).
///
/// Keys are case-insensitive, so `Rate` and `rate` are the same key.
public struct DuplicateKeyError: ConfigurationFileError, Equatable {
    /// The section holding both.
    public let section: String
    /// The lower-cased key.
    public let key: String
    /// The second occurrence.
    public let location: SourceLocation
    /// The first occurrence.
    public let firstLocation: SourceLocation

    /// Names the key, the section and both lines.
    public var description: String {
        "\(location): key '\(key)' in section [\(section)] already exists "
            + "(first set at line \(firstLocation.line)); keep only one of them"
    }
}

/// A `${...}` reference to a key or section that does not exist
/// (Python's `InterpolationMissingOptionError`).
public struct InterpolationMissingKeyError: ConfigurationFileError, Equatable {
    /// The section whose value holds the reference (the context it was expanded in).
    public let section: String
    /// The key whose value holds the reference.
    public let key: String
    /// Where the reference's `$` was written; nil for a value set by an override.
    public let location: SourceLocation?
    /// The text between `${` and `}`.
    public let reference: String
    /// The section the reference was looked up in.
    public let referencedSection: String
    /// The lower-cased key the reference was looked up as.
    public let referencedKey: String
    /// Whether `referencedSection` exists (if not, the section is what is missing).
    public let sectionExists: Bool
    /// The raw value holding the reference.
    public let rawValue: String

    /// Names the referring key and section, the line, and what is missing.
    public var description: String {
        let missing = sectionExists
            ? "key '\(referencedKey)' is in neither [\(referencedSection)] nor [DEFAULT]"
            : "section [\(referencedSection)] does not exist"
        return "\(prefix(location))[\(section)] \(key)\(overrideNote(location)): "
            + "\(quoted("${" + reference + "}")) cannot be substituted: \(missing) "
            + "(raw value: \(quoted(rawValue)))"
    }
}

/// A `$` that starts neither `$$` nor a well-formed `${...}`
/// (Python's `InterpolationSyntaxError`).
public struct InterpolationSyntaxError: ConfigurationFileError, Equatable {
    /// The section whose value is malformed.
    public let section: String
    /// The key whose value is malformed.
    public let key: String
    /// Where the `$` was written; nil for a value set by an override.
    public let location: SourceLocation?
    /// What is wrong and how to fix it.
    public let problem: String

    /// Names the key, the section, the line and the problem.
    public var description: String {
        "\(prefix(location))[\(section)] \(key)\(overrideNote(location)): \(problem)"
    }
}

/// References that loop back on themselves, or nest deeper than 10 levels
/// (Python's `InterpolationDepthError`, `MAX_INTERPOLATION_DEPTH`).
public struct InterpolationDepthError: ConfigurationFileError, Equatable {
    /// The section of the key being read.
    public let section: String
    /// The key being read.
    public let key: String
    /// Where the reference that closed the cycle (or went too deep) was written.
    public let location: SourceLocation?
    /// The values being expanded, outermost first, as `[section] key`.
    public let chain: [String]
    /// True for a reference back to a value still being expanded.
    public let isCycle: Bool
    /// The depth limit (10, as Python).
    public let maxDepth: Int

    /// Names the key, the section, the line and the chain of references.
    public var description: String {
        let path = chain.joined(separator: " -> ")
        let what = isCycle
            ? "the references form a cycle: \(path)"
            : "the references nest more than \(maxDepth) levels deep: \(path)"
        return "\(prefix(location))[\(section)] \(key): cannot substitute, \(what)"
    }
}
