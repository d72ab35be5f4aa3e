import Foundation

/// An INI file read with the semantics of Python's
/// `configparser.ConfigParser(interpolation=ExtendedInterpolation())`.
///
/// This is how the reference reads its `config.ini`, so a file written for it reads
/// the same here:
/// - `[section]` headers are case-sensitive; keys are case-insensitive (stored
///   lower-cased). Keys of `[DEFAULT]` are visible in every section.
/// - `key = value` or `key: value`, split at the first `=` or `:`; surrounding
///   whitespace is stripped and empty values are allowed.
/// - Lines whose first non-blank character is `#` or `;` are comments. Inline
///   comments are not stripped: `a = 1 # x` has the value `1 # x`.
/// - A line indented deeper than its key line continues the value (joined with
///   `"\n"`); blank lines inside a value are kept unless they end it.
/// - A duplicate section, or a duplicate key within one section, is an error.
/// - ``value(_:in:)`` expands `${key}`, `${section:key}` and `$$`, recursively.
///
/// Values are stored raw and expanded when read, so an override set with
/// ``setValue(_:forKey:in:location:)`` is seen by every value that refers to it.
public struct INIFile: Sendable, Equatable {
    /// The name of the section whose keys every other section inherits.
    public static let defaultSectionName = "DEFAULT"

    /// One key of one section with its (interpolated) value, for logging.
    public struct Entry: Sendable, Hashable, CustomStringConvertible {
        /// The section, `DEFAULT` included.
        public let section: String
        /// The lower-cased key.
        public let key: String
        /// The value after interpolation.
        public let value: String

        /// `[section] key = value`.
        public var description: String { "[\(section)] \(key) = \(value)" }
    }

    /// The path errors name: the file's path, or the one given to ``init(parsing:path:)``.
    public let path: String

    var defaults = SectionStore()
    var sectionNames: [String] = []
    var sectionStores: [String: SectionStore] = [:]

    /// Reads and parses a UTF-8 file.
    ///
    /// A leading byte-order mark is skipped.
    /// - Throws: ``INIReadError`` when the file cannot be read or is not UTF-8, or a
    ///   parse error (``MissingSectionHeaderError``, ``INIParsingError``,
    ///   ``DuplicateSectionError``, ``DuplicateKeyError``).
    public init(contentsOf url: URL) throws {
        let path = url.isFileURL ? url.path : url.absoluteString
        var isDirectory: ObjCBool = false
        if url.isFileURL, FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw INIReadError(path: path, reason: "is a folder, not a config file; name the config.ini inside it (e.g. -c \((path as NSString).appendingPathComponent("config.ini")))")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw INIReadError(path: path, reason: "cannot read the file (\(Self.reason(for: error)))")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw INIReadError(path: path, reason: "the file is not valid UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        try self.init(parsing: text, path: path)
    }

    /// Parses INI text; `path` is only used to name the source in errors.
    /// - Throws: ``MissingSectionHeaderError``, ``INIParsingError``,
    ///   ``DuplicateSectionError`` or ``DuplicateKeyError`` for the first problem found.
    public init(parsing text: String, path: String = "<string>") throws {
        self.path = path
        var parser = INIParser(path: path)
        try parser.parse(text, into: &self)
    }

    /// The sections in file order, without `DEFAULT` (as Python's `sections()`).
    public var sections: [String] { sectionNames }

    /// Whether `section` was declared (false for `DEFAULT`, as Python's `has_section`).
    public func hasSection(_ section: String) -> Bool {
        sectionStores[section] != nil
    }

    /// The keys visible in `section`: its own in file order, then inherited `DEFAULT` keys.
    ///
    /// For `DEFAULT` itself, its own keys; for a section that does not exist, none.
    public func keys(in section: String) -> [String] {
        if section == Self.defaultSectionName { return defaults.order }
        guard let store = sectionStores[section] else { return [] }
        return store.order + defaults.order.filter { store.values[$0] == nil }
    }

    /// The value of `key` in `section` (or inherited from `DEFAULT`), before interpolation.
    ///
    /// Nil when the key is absent or the section does not exist.
    public func rawValue(_ key: String, in section: String) -> String? {
        stored(key.lowercased(), in: section)?.raw
    }

    /// The value of `key` in `section` (or inherited from `DEFAULT`), interpolated.
    ///
    /// `${name}` is replaced by the value of `name` in the same section or `DEFAULT`,
    /// `${other:name}` by the value of `name` in section `other` (or `DEFAULT`), and
    /// `$$` by `$`; replacements are themselves expanded, up to 10 levels deep.
    /// - Returns: Nil when the key is absent or the section does not exist.
    /// - Throws: ``InterpolationMissingKeyError``, ``InterpolationSyntaxError`` or
    ///   ``InterpolationDepthError``.
    public func value(_ key: String, in section: String) throws -> String? {
        let key = key.lowercased()
        guard let stored = stored(key, in: section) else { return nil }
        var interpolator = Interpolator(file: self)
        return try interpolator.expand(key: key, section: section, value: stored)
    }

    /// Where `key` of `section` (or of `DEFAULT`, when inherited) was written.
    ///
    /// Points at the value's first character; nil when the key is absent or was set
    /// by ``setValue(_:forKey:in:location:)`` without a location.
    public func location(of key: String, in section: String) -> SourceLocation? {
        stored(key.lowercased(), in: section)?.lines.first
    }

    /// Where the header of `section` was written; nil for `DEFAULT` and unknown sections.
    public func location(ofSection section: String) -> SourceLocation? {
        sectionStores[section]?.header
    }

    /// Sets (or overrides) `key` in `section`, creating the section if needed.
    ///
    /// The value is stored raw and interpolated when read, as Python's `set`. Unlike
    /// Python's `set`, a missing section is created rather than refused, so that a
    /// command-line override can add a key to a file that lacks its section.
    /// - Parameter location: Where the value came from, for error messages
    ///   (nil for "set by override").
    /// - Throws: ``InterpolationSyntaxError`` when `value` holds a `$` that is
    ///   neither `$$` nor part of `${...}` (Python raises `ValueError` here).
    public mutating func setValue(
        _ value: String, forKey key: String, in section: String, location: SourceLocation? = nil
    ) throws {
        let key = key.lowercased()
        if let position = Interpolator.firstInvalidDollar(in: value) {
            throw InterpolationSyntaxError(
                section: section, key: key, location: location,
                problem: "'$' at position \(position) must be followed by '$' or '{', "
                    + "in \(quoted(value)); write '$$' for a literal '$'")
        }
        let stored = StoredValue(raw: value, lines: location.map { [$0] } ?? [])
        if section == Self.defaultSectionName {
            defaults.set(key, stored)
        } else {
            if sectionStores[section] == nil {
                sectionNames.append(section)
                sectionStores[section] = SectionStore()
            }
            sectionStores[section]?.set(key, stored)
        }
    }

    /// Every key of every section with its interpolated value, for logging.
    ///
    /// `DEFAULT` comes first, then each section with its own keys (inherited keys are
    /// not repeated), in file order.
    /// - Throws: The first interpolation error, as ``value(_:in:)``.
    public func allValues() throws -> [Entry] {
        var entries: [Entry] = []
        for section in [Self.defaultSectionName] + sectionNames {
            let store = section == Self.defaultSectionName ? defaults : sectionStores[section]
            for key in store?.order ?? [] {
                if let value = try value(key, in: section) {
                    entries.append(Entry(section: section, key: key, value: value))
                }
            }
        }
        return entries
    }

    /// The stored value of the lower-cased `key`: the section's own, else `DEFAULT`'s.
    func stored(_ key: String, in section: String) -> StoredValue? {
        if section == Self.defaultSectionName { return defaults.values[key] }
        guard let store = sectionStores[section] else { return nil }
        return store.values[key] ?? defaults.values[key]
    }

    /// The POSIX reason of a read error ("No such file or directory"), never a raw
    /// "NSCocoaErrorDomain error 256".
    private static func reason(for error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        switch CocoaError.Code(rawValue: nsError.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return "No such file or directory"
        case .fileReadNoPermission: return "Permission denied"
        default: return nsError.domain == NSPOSIXErrorDomain ? String(cString: strerror(Int32(nsError.code))) : "read error \(nsError.code)"
        }
    }
}

/// One raw value and where each of its lines came from.
struct StoredValue: Sendable, Equatable {
    /// The value as written, continuation lines joined with "\n".
    var raw: String
    /// The location of the first character of each "\n"-separated line of `raw`;
    /// empty for values set without a location.
    var lines: [SourceLocation]

    /// Where the character at `index` of `raw` was written, when known.
    func location(of index: String.Index) -> SourceLocation? {
        guard !lines.isEmpty else { return nil }
        var lineNumber = 0
        var lineStart = raw.startIndex
        var cursor = raw.startIndex
        while cursor < index {
            if raw[cursor] == "\n" {
                lineNumber += 1
                lineStart = raw.index(after: cursor)
            }
            cursor = raw.index(after: cursor)
        }
        guard lineNumber < lines.count else { return lines.last }
        return lines[lineNumber].shifted(by: raw.distance(from: lineStart, to: index))
    }
}

/// The keys of one section in file order.
struct SectionStore: Sendable, Equatable {
    var order: [String] = []
    var values: [String: StoredValue] = [:]
    var header: SourceLocation?

    mutating func set(_ key: String, _ value: StoredValue) {
        if values[key] == nil { order.append(key) }
        values[key] = value
    }
}

/// `text` in single quotes, as Python's `repr` shows strings in its messages: newlines,
/// tabs and other control characters escaped, never echoed raw to a terminal.
func quoted(_ text: some StringProtocol) -> String {
    var result = "'"
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\n": result += "\\n"
        case "\t": result += "\\t"
        case "\r": result += "\\r"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                result += "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(2)
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
    }
    return result + "'"
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
