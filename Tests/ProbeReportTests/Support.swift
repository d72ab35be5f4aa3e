import Foundation
import Testing
import ProbeReport

/// The repository root, found from this file's path (symbolic links resolved).
let repositoryRoot: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A copy of a reference output folder kept under `Tests/DirectProbeTests/Fixtures/cases`.
func fixture(_ relative: String) -> String {
    repositoryRoot.appendingPathComponent("Tests/DirectProbeTests/Fixtures/cases").appendingPathComponent(relative).path
}

/// A fresh temporary folder, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("probe-report-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` at `relative` (creating folders) and returns the full path.
    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// A sub-folder path.
    func folder(_ relative: String) -> String { URL(fileURLWithPath: path).appendingPathComponent(relative).path }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Writes a single-run folder for `labels` with distances that depend on the label indices (known answers).
func writeRunFolder(in temporary: TemporaryFolder, name: String, labels: [String], pairValue: (Int, Int) -> Double) throws -> String {
    var outsideMin = "", insideMean = "", insideMax = "", vec = ""
    for (i, label) in labels.enumerated() {
        let others = labels.indices.filter { $0 != i }.map { pairValue(min(i, $0), max(i, $0)) }
        outsideMin += "\(label),\(String(format: "%.4f", others.min() ?? 0))\n"
        insideMean += "\(label),\(String(format: "%.4f", 2 + Double(i) / 10))\n"
        insideMax += "\(label),\(String(format: "%.4f", 5 + Double(i) / 10))\n"
    }
    for i in labels.indices { for j in labels.indices where i < j {
        vec += "\(labels[i])---\(labels[j]),\(String(format: "%.4f", pairValue(i, j)))\n"
    } }
    try temporary.write("\(name)/outside_min.txt", outsideMin)
    try temporary.write("\(name)/inside_mean.txt", insideMean)
    try temporary.write("\(name)/inside_max.txt", insideMax)
    try temporary.write("\(name)/vec.txt", vec)
    try temporary.write("\(name)/clusters.txt", (0..<60).map { "\($0 % labels.count)" }.joined(separator: "\n") + "\n")
    try temporary.write("\(name)/log.txt", "2026-11-28 13:10:53,000-probe-INFO: Final number of clusters: \(labels.count)\n")
    return temporary.folder(name)
}

/// Writes a batch folder: `value(iteration, layer, row)` per cell; layers listed in `zeroLayers[iteration]` are all zero.
func writeBatchFolder(in temporary: TemporaryFolder, name: String, labels: [String], iterations: [String], layers: [String],
                      zeroLayers: [String: Set<String>] = [:]) throws -> String {
    let pairs = labels.indices.flatMap { i in labels.indices.filter { $0 > i }.map { "\(labels[i])---\(labels[$0])" } }
    for (n, iteration) in iterations.enumerated() {
        func csv(_ rows: [String], base: Double) -> String {
            var text = " ," + layers.joined(separator: ",") + "\n"
            for (r, row) in rows.enumerated() {
                let values = layers.enumerated().map { l, layer in
                    zeroLayers[iteration, default: []].contains(layer) ? 0 : base + Double(n) * 0.1 + Double(l) * 0.05 + Double(r) * 0.01
                }
                text += row + "," + values.map { String(format: "%.4f", $0) }.joined(separator: ",") + "\n"
            }
            return text
        }
        try temporary.write("\(name)/outside_min/\(iteration).txt", csv(labels, base: 0.5))
        try temporary.write("\(name)/inside_mean/\(iteration).txt", csv(labels, base: 2))
        try temporary.write("\(name)/inside_max/\(iteration).txt", csv(labels, base: 5))
        try temporary.write("\(name)/batch_vec/\(iteration).txt", csv(pairs, base: 1))
    }
    return temporary.folder(name)
}

/// The `<svg>` plots of a parsed page with the given `data-plot` kind.
func plots(_ page: XMLNode, kind: String) -> [XMLNode] {
    page.all("svg").filter { $0.attributes["data-plot"] == kind }
}

/// The data marks of a plot: elements carrying one of the mark classes.
func marks(_ plot: XMLNode) -> [XMLNode] {
    plot.descendants.filter { !$0.classes.isDisjoint(with: ["bar", "cell", "series", "point"]) }
}

/// Renders and parses a report, recording a test issue (and returning nil) when the page is not well-formed XML.
func renderAndParse(_ report: Report) -> (html: String, page: XMLNode)? {
    let html = report.html()
    do {
        return (html, try XMLTreeParser.parse(html))
    } catch {
        Issue.record("the page is not well-formed XML: \(error)")
        return nil
    }
}
