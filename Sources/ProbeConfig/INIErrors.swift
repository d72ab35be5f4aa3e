import Foundation

/// `location: ` when known; values set by an override have none.
private func prefix(_ location: SourceLocation?) -> String {
    location.map { "\($0): " } ?? ""
}

/// The origin of a value with no location: set by an override.
private func overrideNote(_ location: SourceLocation?) -> String {
    location == nil ? " (value set by an override)" : ""
}

/// A configuration file that cannot be read at all (missing, unreadable, not UTF-8).
public struct INIReadError: Error, CustomStringConvertible, LocalizedError, Sendable, Equatable {
    /// The file's path.
    public let path: String
    /// What went wrong.
    public let reason: String

    /// Creates the error.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`.
    public var description: String { "\(path): \(reason)" }
    /// Same as ``description``.
    public var errorDescription: String? { description }
}

/// A non-blank, non-comment line before the first `[section]` header
/// (Python's `MissingSectionHeaderError`).
public struct MissingSectionHeaderError: Error, CustomStringConvertible, LocalizedError, Sendable, Equatable {
    /// The offending line.
    public let location: SourceLocation
    /// The line as written.
    public let line: String

    /// Creates the error.
    public init(location: SourceLocation, line: String) {
        self.location = location
        self.line = line
    }

    /// Names the file, line and text, and says to add a header.
    public var description: String {
        "\(location): \(quoted(line)) comes before any [section] header; "
            + "add a header such as [run] above it"
    }
    /// Same as ``description``.
    public var errorDescription: String? { description }
}

/// A line that is neither a header, a `key = value` line, a comment nor a
/// continuation (Python's `ParsingError`).
public struct INIParsingError: Error, CustomStringConvertible, LocalizedError, Sendable, Equatable {
    /// Where the problem is.
    public let location: SourceLocation
    /// The line as written.
    public let line: String
    /// The section the line is in.
    public let section: String
    /// What is wrong and how to fix it.
    public let problem: String

    /// Creates the error.
    public init(location: SourceLocation, line: String, section: String, problem: String) {
        self.location = location
        self.line = line
        self.section = section
        self.problem = problem
    }

    /// Names the file, line, column, section and text.
    public var description: String {
        "\(location): in [\(section)], \(quoted(line)): \(problem)"
    }
    /// Same as ``description``.
    public var errorDescription: String? { description }
}

/// A `[section]` header that appears twice in one file (Python's `DuplicateSectionError`).
public struct DuplicateSectionError: Error, CustomStringConvertible, LocalizedError, Sendable, Equatable {
    /// The repeated section's name.
    public let section: String
    /// The second header.
    public let location: SourceLocation
    /// The first header.
    public let firstLocation: SourceLocation

    /// Creates the error.
    public init(section: String, location: SourceLocation, firstLocation: SourceLocation) {
        self.section = section
        self.location = location
        self.firstLocation = firstLocation
    }

    /// Names both headers' lines.
    public var description: String {
        "\(location): section [\(section)] already exists (first header at line \(firstLocation.line)); "
            + "merge the two sections into one"
    }
    /// Same as ``description``.
    public var errorDescription: String? { description }
}

/// A key written twice in one section (Python's `DuplicateOptionError`).
///
/// Keys are case-insensitive, so `Rate` and `rate` are the same key.
public struct DuplicateKeyError: Error, CustomStringConvertible, LocalizedError, Sendable, Equatable {
    /// The section holding both.
    public let section: String
    /// The lower-cased key.
    public let key: String
    /// The second occurrence.
    public let location: SourceLocation
    /// The first occurrence.
    public let firstLocation: SourceLocation

    /// Creates the error.
    public init(section: String, key: String, location: SourceLocation, firstLocation: SourceLocation) {
        self.section = section
        self.key = key
        self.location = location
        self.firstLocation = firstLocation
    }

    /// Names the key, the section and both lines.
    public var description: String {
        "\(location): key '\(key)' in section [\(section)] already exists "
            + "(first set at line \(firstLocation.line)); keep only one of them"
    }
    /// Same as ``description``.
    public var errorDescription: String? { description }
}

/// A `${...}` reference to a key or section that does not exist
/// (Python's `InterpolationMissingOptionError`).
public struct InterpolationMissingKeyError: Error, CustomStringConvertible, LocalizedError, Sendable, Equatable {
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

    /// Creates the error.
    public init(
        section: String, key: String, location: SourceLocation?, reference: String,
        referencedSection: String, referencedKey: String, sectionExists: Bool, rawValue: String
    ) {
        self.section = section
        self.key = key
        self.location = location
        self.reference = reference
        self.referencedSection = referencedSection
        self.referencedKey = referencedKey
        self.sectionExists = sectionExists
        self.rawValue = rawValue
    }

    /// Names the referring key and section, the line, and what is missing.
    public var description: String {
        let missing = sectionExists
            ? "key '\(referencedKey)' is in neither [\(referencedSection)] nor [DEFAULT]"
            : "section [\(referencedSection)] does not exist"
        return "\(prefix(location))[\(section)] \(key)\(overrideNote(location)): "
            + "\(quoted("${" + reference + "}")) cannot be substituted: \(missing) "
            + "(raw value: \(quoted(rawValue)))"
    }
    /// Same as ``description``.
    public var errorDescription: String? { description }
}

/// A `$` that starts neither `$$` nor a well-formed `${...}`
/// (Python's `InterpolationSyntaxError`).
public struct InterpolationSyntaxError: Error, CustomStringConvertible, LocalizedError, Sendable, Equatable {
    /// The section whose value is malformed.
    public let section: String
    /// The key whose value is malformed.
    public let key: String
    /// Where the `$` was written; nil for a value set by an override.
    public let location: SourceLocation?
    /// What is wrong and how to fix it.
    public let problem: String

    /// Creates the error.
    public init(section: String, key: String, location: SourceLocation?, problem: String) {
        self.section = section
        self.key = key
        self.location = location
        self.problem = problem
    }

    /// Names the key, the section, the line and the problem.
    public var description: String {
        "\(prefix(location))[\(section)] \(key)\(overrideNote(location)): \(problem)"
    }
    /// Same as ``description``.
    public var errorDescription: String? { description }
}

/// References that loop back on themselves, or nest deeper than 10 levels
/// (Python's `InterpolationDepthError`, `MAX_INTERPOLATION_DEPTH`).
public struct InterpolationDepthError: Error, CustomStringConvertible, LocalizedError, Sendable, Equatable {
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

    /// Creates the error.
    public init(
        section: String, key: String, location: SourceLocation?, chain: [String], isCycle: Bool, maxDepth: Int
    ) {
        self.section = section
        self.key = key
        self.location = location
        self.chain = chain
        self.isCycle = isCycle
        self.maxDepth = maxDepth
    }

    /// Names the key, the section, the line and the chain of references.
    public var description: String {
        let path = chain.joined(separator: " -> ")
        let what = isCycle
            ? "the references form a cycle: \(path)"
            : "the references nest more than \(maxDepth) levels deep: \(path)"
        return "\(prefix(location))[\(section)] \(key): cannot substitute, \(what)"
    }
    /// Same as ``description``.
    public var errorDescription: String? { description }
}
