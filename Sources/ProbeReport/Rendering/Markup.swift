import Foundation

/// An XHTML/SVG writer: every element is closed and every text and attribute escaped, so the page parses as XML.
struct Markup {
    private(set) var output = ""

    /// `<name attr="…">`.
    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        output += "<" + name
        appendAttributes(attributes)
        output += ">"
    }

    /// `</name>`.
    mutating func close(_ name: String) {
        output += "</" + name + ">"
    }

    /// `<name attr="…"/>`.
    mutating func empty(_ name: String, _ attributes: [(String, String)] = []) {
        output += "<" + name
        appendAttributes(attributes)
        output += "/>"
    }

    /// `<name attr="…">text</name>`, the text escaped.
    mutating func element(_ name: String, _ attributes: [(String, String)] = [], text: String) {
        open(name, attributes)
        output += escapeText(text)
        close(name)
    }

    /// `<name attr="…">…</name>` with the content written by `body`.
    mutating func element(_ name: String, _ attributes: [(String, String)] = [], _ body: (inout Markup) -> Void) {
        open(name, attributes)
        body(&self)
        close(name)
    }

    /// Escaped text.
    mutating func text(_ text: String) {
        output += escapeText(text)
    }

    /// Text written as is: only for constant markup and style sheets of this module.
    mutating func trusted(_ text: String) {
        output += text
    }

    /// A line break in the source, to keep the page readable.
    mutating func newline() {
        output += "\n"
    }

    private mutating func appendAttributes(_ attributes: [(String, String)]) {
        for (key, value) in attributes {
            output += " " + key + "=\"" + escapeAttribute(value) + "\""
        }
    }
}

/// Drops characters XML 1.0 does not allow (C0 controls other than tab and newlines, lone surrogates, U+FFFE/F).
private func xmlSafe(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x9, 0xA, 0xD: return true
    case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
    default: return false
    }
}

/// Escapes `&`, `<`, `>` and `"` for element content.
func escapeText(_ text: String) -> String {
    escape(text, inAttribute: false)
}

/// Escapes `&`, `<`, `>`, `"` and `'` for attribute values (and newlines, which attributes would fold).
func escapeAttribute(_ text: String) -> String {
    escape(text, inAttribute: true)
}

/// Drops what XML does not allow and escapes markup; in an attribute also quotes and white space other than spaces.
private func escape(_ text: String, inAttribute: Bool) -> String {
    var result = ""
    result.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars where xmlSafe(scalar) {
        switch scalar {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'" where inAttribute: result += "&#39;"
        case "\n" where inAttribute: result += "&#10;"
        case "\r" where inAttribute: result += "&#13;"
        case "\t" where inAttribute: result += "&#9;"
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result
}

/// A coordinate or length for SVG: two decimals, no trailing zeros.
func px(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    var text = String(format: "%.2f", value)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text == "-0" ? "0" : text
}

/// A measured value as the result files write it (4 decimals).
func decimal4(_ value: Double) -> String {
    String(format: "%.4f", value)
}

/// A tick label: as few decimals as the step needs.
func tickLabel(_ value: Double, step: Double) -> String {
    let decimals = step >= 1 ? 0 : min(6, Int((-log10(step)).rounded(.up)))
    return String(format: "%.\(decimals)f", value)
}

/// A label shortened to `limit` characters with an ellipsis (the full name goes in a tooltip).
func truncated(_ label: String, to limit: Int) -> String {
    label.count <= limit ? label : String(label.prefix(max(1, limit - 1))) + "…"
}
