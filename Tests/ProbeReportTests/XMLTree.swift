import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed XML element: enough of a DOM to query the report's markup in tests.
final class XMLNode: @unchecked Sendable {
    let name: String
    let attributes: [String: String]
    private(set) var children: [XMLNode] = []
    var text = ""
    weak var parent: XMLNode?

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    func append(_ child: XMLNode) {
        child.parent = self
        children.append(child)
    }

    /// Every descendant (not self), depth first.
    var descendants: [XMLNode] { children.flatMap { [$0] + $0.descendants } }

    /// Descendants with this element name.
    func all(_ name: String) -> [XMLNode] { descendants.filter { $0.name == name } }

    /// The classes of the element.
    var classes: Set<String> { Set((attributes["class"] ?? "").split(separator: " ").map(String.init)) }

    /// Descendants with this element name and class.
    func all(_ name: String, class className: String) -> [XMLNode] {
        all(name).filter { $0.classes.contains(className) }
    }

    /// The text of self and every descendant, concatenated.
    var allText: String { text + children.map(\.allText).joined() }

    /// The text of the element's direct `<title>` child, if any.
    var tooltip: String? { children.first { $0.name == "title" }?.allText }
}

/// Parses a document with Foundation's XMLParser, failing with the parser's error and position.
struct XMLTreeParser {
    struct ParseFailure: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ text: String) throws -> XMLNode {
        // The HTML doctype is not XML; everything after it must be.
        var body = text
        if body.hasPrefix("<!DOCTYPE html>") { body.removeFirst("<!DOCTYPE html>".count) }
        let delegate = Delegate()
        let parser = XMLParser(data: Data(body.utf8))
        parser.delegate = delegate
        guard parser.parse(), let root = delegate.root else {
            throw ParseFailure(description: "XML parse error at line \(parser.lineNumber), column \(parser.columnNumber): "
                               + "\(parser.parserError.map { "\($0)" } ?? "unknown")")
        }
        return root
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        var root: XMLNode?
        var stack: [XMLNode] = []

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            let node = XMLNode(name: elementName, attributes: attributes)
            if let top = stack.last { top.append(node) } else { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}
