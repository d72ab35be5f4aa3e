/// Expands `${key}`, `${section:key}` and `$$` the way Python's
/// `configparser.ExtendedInterpolation._interpolate_some` does (Python 3.11).
///
/// A referenced value is expanded in the context of the section it was looked up
/// in, so a `DEFAULT` value referenced from `[data]` sees `[data]`'s keys, as in Python.
struct Interpolator {
    /// Python's `configparser.MAX_INTERPOLATION_DEPTH`.
    static let maxDepth = 10

    let file: INIFile
    /// The values being expanded, outermost first, as "[section] key".
    private var chain: [(section: String, key: String)] = []

    init(file: INIFile) {
        self.file = file
    }

    mutating func expand(key: String, section: String, value: StoredValue) throws -> String {
        var result = ""
        chain = [(section, key)]
        try expand(value, key: key, section: section, depth: 1, into: &result)
        return result
    }

    private mutating func expand(
        _ value: StoredValue, key: String, section: String, depth: Int, into result: inout String
    ) throws {
        let raw = value.raw
        var rest = raw[...]
        while !rest.isEmpty {
            guard let dollar = rest.firstIndex(of: "$") else {
                result += rest
                return
            }
            result += rest[..<dollar]
            rest = rest[dollar...]
            let afterDollar = rest.dropFirst()
            if afterDollar.first == "$" {
                result += "$"
                rest = afterDollar.dropFirst()
                continue
            }
            guard afterDollar.first == "{" else {
                throw InterpolationSyntaxError(
                    section: section, key: key, location: value.location(of: dollar),
                    problem: "'$' must be followed by '$' or '{', found: \(quoted(rest)); "
                        + "write '$$' for a literal '$'")
            }
            let body = afterDollar.dropFirst()
            guard let close = body.firstIndex(of: "}"), close > body.startIndex else {
                throw InterpolationSyntaxError(
                    section: section, key: key, location: value.location(of: dollar),
                    problem: "bad interpolation variable reference \(quoted(rest)); "
                        + "write '${key}' or '${section:key}'")
            }
            let reference = body[..<close]
            rest = body[body.index(after: close)...]

            let parts = reference.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else {
                throw InterpolationSyntaxError(
                    section: section, key: key, location: value.location(of: dollar),
                    problem: "more than one ':' in \(quoted("${" + reference + "}")); "
                        + "write '${section:key}'")
            }
            let targetSection = parts.count == 2 ? String(parts[0]) : section
            // Python applies optionxform (lower-casing) to the key but does not strip it.
            let targetKey = String(parts[parts.count - 1]).lowercased()
            guard let target = file.stored(targetKey, in: targetSection) else {
                throw InterpolationMissingKeyError(
                    section: section, key: key, location: value.location(of: dollar),
                    reference: String(reference), referencedSection: targetSection,
                    referencedKey: targetKey,
                    sectionExists: targetSection == INIFile.defaultSectionName
                        || file.hasSection(targetSection),
                    rawValue: raw)
            }
            guard target.raw.contains("$") else {
                result += target.raw
                continue
            }
            // Python only gives up past MAX_INTERPOLATION_DEPTH; a reference back to a
            // value still being expanded would get there for sure, so say so at once.
            let isCycle = chain.contains { $0.section == targetSection && $0.key == targetKey }
            chain.append((targetSection, targetKey))
            if isCycle || depth + 1 > Self.maxDepth {
                throw InterpolationDepthError(
                    section: chain[0].section, key: chain[0].key,
                    location: value.location(of: dollar),
                    chain: chain.map { "[\($0.section)] \($0.key)" },
                    isCycle: isCycle, maxDepth: Self.maxDepth)
            }
            try expand(target, key: targetKey, section: targetSection, depth: depth + 1, into: &result)
            chain.removeLast()
        }
    }

    /// The 0-based position of a `$` that `${...}` and `$$` do not account for, as
    /// Python's `ExtendedInterpolation.before_set` checks a value on `set`.
    static func firstInvalidDollar(in value: String) -> Int? {
        let escaped = value.replacingOccurrences(of: "$$", with: "")
        var remaining = ""
        var rest = escaped[...]
        while let dollar = rest.firstIndex(of: "$") {
            remaining += rest[..<dollar]
            let afterDollar = rest[rest.index(after: dollar)...]
            if afterDollar.first == "{", let close = afterDollar.firstIndex(of: "}"),
                afterDollar.distance(from: afterDollar.startIndex, to: close) >= 2
            {
                rest = afterDollar[afterDollar.index(after: close)...]
            } else {
                remaining += "$"
                rest = afterDollar
            }
        }
        remaining += rest
        return remaining.firstIndex(of: "$").map { remaining.distance(from: remaining.startIndex, to: $0) }
    }
}
