/// Reads INI text line by line, following `configparser.RawConfigParser._read`
/// (Python 3.11) with its defaults: strict, `=`/`:` delimiters, `#`/`;` full-line
/// comments, no inline comments, empty lines allowed in values.
struct INIParser {
    let path: String

    /// The value being read: its pieces (one per line, stripped) and where each starts.
    private struct PendingValue {
        var section: String
        var key: String
        var pieces: [Substring]
        var lines: [SourceLocation]
    }

    private var currentSection: String?
    private var pending: PendingValue?
    /// The indentation of the last key or header line; deeper lines continue the value.
    private var indentLevel = 0
    private var seenSections: [String: SourceLocation] = [:]
    private var seenKeys: [String: [String: SourceLocation]] = [:]

    init(path: String) {
        self.path = path
    }

    mutating func parse(_ text: String, into file: inout INIFile) throws {
        // Python reads files with universal newlines: "\n", "\r\n" and "\r" all end a line.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        for (offset, line) in lines.enumerated() {
            try read(line, number: offset + 1, into: &file)
        }
        flush(into: &file)
    }

    private mutating func read(_ line: Substring, number: Int, into file: inout INIFile) throws {
        let content = line.trimmingWhitespace()
        if content.isEmpty || content.hasPrefix("#") || content.hasPrefix(";") {
            // A blank line may belong to a multi-line value (trailing ones are stripped
            // when the value is joined); a comment line is skipped without ending it.
            if content.isEmpty, pending != nil {
                pending?.pieces.append("")
                pending?.lines.append(SourceLocation(path: path, line: number, column: 1))
            }
            return
        }
        let indent = line.distance(from: line.startIndex, to: content.startIndex)
        let location = SourceLocation(path: path, line: number, column: indent + 1)

        if pending != nil, indent > indentLevel {
            pending?.pieces.append(content)
            pending?.lines.append(location)
            return
        }
        indentLevel = indent

        // Python matches `\[(?P<header>.+)\]` at the start: the header runs to the last
        // "]" and whatever follows it on the line is ignored.
        if content.first == "[", let close = content.lastIndex(of: "]"),
            content.distance(from: content.startIndex, to: close) >= 2
        {
            flush(into: &file)
            let name = String(content[content.index(after: content.startIndex)..<close])
            try openSection(name, at: location, into: &file)
            return
        }

        guard let section = currentSection else {
            throw MissingSectionHeaderError(location: location, line: String(line))
        }
        guard let delimiter = content.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
            throw INIParsingError(
                location: location, line: String(line), section: section,
                problem: "this line is neither a [section] header nor a 'key = value' line "
                    + "(it has no '=' or ':'); add a delimiter, indent it deeper than the key "
                    + "above to continue that value, or start it with '#' to comment it out")
        }
        let key = content[..<delimiter].trimmingWhitespace().lowercased()
        let delimiterColumn = location.shifted(by: content.distance(from: content.startIndex, to: delimiter))
        guard !key.isEmpty else {
            throw INIParsingError(
                location: delimiterColumn, line: String(line), section: section,
                problem: "the line has no key before '\(content[delimiter])'")
        }
        if let first = seenKeys[section]?[key] {
            throw DuplicateKeyError(section: section, key: key, location: location, firstLocation: first)
        }
        seenKeys[section, default: [:]][key] = location

        flush(into: &file)
        let value = content[content.index(after: delimiter)...].trimmingWhitespace()
        let valueColumn = value.isEmpty
            ? delimiterColumn.shifted(by: 1)
            : location.shifted(by: content.distance(from: content.startIndex, to: value.startIndex))
        pending = PendingValue(section: section, key: key, pieces: [value], lines: [valueColumn])
    }

    private mutating func openSection(_ name: String, at location: SourceLocation, into file: inout INIFile) throws {
        currentSection = name
        // Python never reports a repeated [DEFAULT] header, only repeated keys in it.
        guard name != INIFile.defaultSectionName else { return }
        if let first = seenSections[name] {
            throw DuplicateSectionError(section: name, location: location, firstLocation: first)
        }
        seenSections[name] = location
        file.sectionNames.append(name)
        file.sectionStores[name] = SectionStore(header: location)
    }

    /// Stores the pending value: pieces joined with "\n", trailing blank lines dropped.
    private mutating func flush(into file: inout INIFile) {
        guard let value = pending else { return }
        pending = nil
        var pieces = value.pieces
        while pieces.count > 1, pieces.last?.isEmpty == true { pieces.removeLast() }
        let stored = StoredValue(
            raw: pieces.joined(separator: "\n"),
            lines: Array(value.lines.prefix(pieces.count)))
        if value.section == INIFile.defaultSectionName {
            file.defaults.set(value.key, stored)
        } else {
            file.sectionStores[value.section]?.set(value.key, stored)
        }
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace (Unicode, as Python's `strip()`).
    func trimmingWhitespace() -> SubSequence {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
            let last = lastIndex(where: { !$0.isWhitespace })
        else { return self[endIndex...] }
        return self[first...last]
    }
}
