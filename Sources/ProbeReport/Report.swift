import Foundation
import ProbeStore

/// A results folder of either kind, read into typed values.
public enum ResultFolder: Sendable {
    /// A single `probe` run (`vec.txt`, `outside_min.txt`, …).
    case run(RunResult)
    /// A batch run (`outside_min/<iter>.txt`, …).
    case batch(BatchResult)
    /// A sweep (`sweep.csv`, `summary.json`, `<iter>/<layer>/`).
    case sweep(SweepResult)

    /// Reads a folder, deciding its kind by what it holds; neither kind is an `InputError`.
    public static func load(path: String) throws -> ResultFolder {
        guard isDirectory(path) else { throw InputError(file: path, "no such folder") }
        if SweepResult.isSweepFolder(path) { return .sweep(try SweepResult(folder: path)) }
        if BatchResult.isBatchFolder(path) { return .batch(try BatchResult(folder: path)) }
        if RunResult.isRunFolder(path) { return .run(try RunResult(folder: path)) }
        throw InputError(file: path, "not a results folder: expected vec.txt and outside_min.txt (a run) "
                               + "or outside_min/, batch_vec/, … (a batch run) or sweep.csv (a sweep)")
    }

    /// The folder as it was named.
    public var folder: String {
        switch self {
        case .run(let run): return run.folder
        case .batch(let batch): return batch.folder
        case .sweep(let sweep): return sweep.folder
        }
    }
}

/// Options of a report beyond its folders.
public struct ReportOptions: Sendable {
    /// The layers plotted across fine-tuning iterations (nil: the last layer and up to three others spread over the stack).
    public var layersAcrossIterations: [String]?

    /// Creates options; the defaults suit most reports.
    public init(layersAcrossIterations: [String]? = nil) {
        self.layersAcrossIterations = layersAcrossIterations
    }
}

/// One self-contained HTML page (inline SVG and CSS, no scripts) over one or more results folders.
///
/// The markup is XHTML-compatible: it parses as XML once the `<!DOCTYPE html>` line is removed.
public struct Report: Sendable {
    /// The page title.
    public let title: String
    /// The folders, in the order given.
    public let folders: [ResultFolder]
    /// The rendering options.
    public let options: ReportOptions

    /// Reads every folder; the first malformed file stops with an `InputError` naming it.
    public init(resultFolders: [String], title: String? = nil, options: ReportOptions = ReportOptions()) throws {
        self.init(folders: try resultFolders.map { try ResultFolder.load(path: $0) }, title: title, options: options)
    }

    /// Creates a report over folders already read.
    public init(folders: [ResultFolder], title: String? = nil, options: ReportOptions = ReportOptions()) {
        self.folders = folders
        self.title = title ?? "DirectProbe report"
        self.options = options
    }

    /// The page.
    public func html() -> String {
        let sections = folders.enumerated().map { index, folder -> (anchor: String, folder: ResultFolder, figures: [Figure]) in
            let anchor = "folder-\(index + 1)"
            switch folder {
            case .run(let run): return (anchor, folder, RunSection(run: run, anchor: anchor).figures)
            case .batch(let batch): return (anchor, folder, BatchSection(batch: batch, anchor: anchor, chosenLayers: options.layersAcrossIterations).figures)
            case .sweep(let sweep): return (anchor, folder, SweepSection(sweep: sweep, anchor: anchor, chosenLayers: options.layersAcrossIterations).figures)
            }
        }
        var m = Markup()
        m.trusted("<!DOCTYPE html>\n")
        m.open("html", [("xmlns", "http://www.w3.org/1999/xhtml"), ("lang", "en")])
        m.newline()
        m.element("head") { m in
            m.empty("meta", [("charset", "utf-8")])
            m.empty("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1")])
            m.element("title", text: title)
            m.element("style") { m in m.trusted(Self.styleSheet) }
        }
        m.newline()
        m.open("body")
        m.newline()
        m.element("header") { m in
            m.element("h1", text: title)
            m.element("p", [("class", "note")], text: folders.count == 1 ? "One results folder." : "\(folders.count) results folders.")
        }
        m.element("nav", [("class", "toc")]) { m in
            m.element("h2", text: "Contents")
            m.element("ol") { m in
                for section in sections {
                    m.element("li") { m in
                        m.element("a", [("href", "#" + section.anchor)], text: section.folder.folder)
                        m.text(" ")
                        m.element("span", [("class", "kind")], text: Self.kindName(section.folder))
                        m.element("ol") { m in
                            for figure in section.figures {
                                m.element("li") { m in m.element("a", [("href", "#" + figure.anchor)], text: figure.title) }
                            }
                        }
                    }
                }
            }
        }
        m.newline()
        if folders.isEmpty { m.element("p", text: "No results folders were given.") }
        for section in sections {
            m.element("section", [("id", section.anchor), ("class", "folder")]) { m in
                m.element("h2") { m in
                    m.text(section.folder.folder + " ")
                    m.element("span", [("class", "kind")], text: Self.kindName(section.folder))
                }
                m.newline()
                switch section.folder {
                case .run(let run): RunSection(run: run, anchor: section.anchor).render(into: &m)
                case .batch(let batch): BatchSection(batch: batch, anchor: section.anchor, chosenLayers: options.layersAcrossIterations).render(into: &m)
                case .sweep(let sweep): SweepSection(sweep: sweep, anchor: section.anchor, chosenLayers: options.layersAcrossIterations).render(into: &m)
                }
            }
            m.newline()
        }
        m.close("body")
        m.newline()
        m.close("html")
        m.newline()
        return m.output
    }

    /// Writes the page to `path` atomically (a temporary file renamed when complete).
    public func write(to path: String) throws {
        do {
            try Data(html().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ReportWriteError(path: path, reason: error.localizedDescription)
        }
    }

    private static func kindName(_ folder: ResultFolder) -> String {
        switch folder {
        case .run: return "single run"
        case .batch: return "batch (layers × iterations)"
        case .sweep: return "sweep (every layer × checkpoint probed on its own)"
        }
    }

    // No characters that XML would need escaped: the sheet is written as is.
    static let styleSheet = """

    body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
           color: #222; max-width: 1120px; margin: 1.5rem auto; padding: 0 1rem; line-height: 1.4; }
    h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
    h2 { font-size: 1.3rem; border-bottom: 2px solid #4e79a7; padding-bottom: 0.2rem; margin-top: 2.5rem; word-break: break-all; }
    h3 { font-size: 1.05rem; margin: 1.4rem 0 0.5rem; }
    .kind { font-size: 0.8rem; font-weight: normal; color: #666; }
    .note, figcaption { color: #555; font-size: 0.85rem; }
    nav.toc ol { margin: 0.2rem 0; }
    nav.toc li li { font-size: 0.9rem; }
    a { color: #2a5d8f; }
    table { border-collapse: collapse; font-size: 0.85rem; margin: 0.4rem 0 1rem; }
    th, td { padding: 0.15rem 0.6rem; border-bottom: 1px solid #e3e3e3; text-align: right; }
    th:first-child, td:first-child { text-align: left; }
    table.facts th { font-weight: normal; color: #555; text-align: left; }
    table.facts td { text-align: left; word-break: break-all; }
    thead th { border-bottom: 1px solid #999; }
    figure { margin: 1rem 0; break-inside: avoid; page-break-inside: avoid; }
    figcaption { max-width: 640px; }
    .plots { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; }
    .plots figure { margin: 0.5rem 0; flex: 0 1 520px; }
    svg.plot { max-width: 100%; height: auto; font-family: inherit; background: #fff; }
    svg.plot text { font-size: 11px; fill: #333; }
    svg.plot .plot-title { font-size: 13px; font-weight: 600; fill: #222; }
    svg.plot .axis-title { font-size: 11px; fill: #555; }
    svg.plot .legend-text { font-size: 11px; }
    svg.plot .cell-value { font-size: 9px; fill: #222; }
    svg.plot text.light { fill: #fff; }
    svg.plot .gap-text { font-size: 13px; fill: #c0392b; font-weight: 600; }
    svg.plot .grid { stroke: #e6e6e6; stroke-width: 1; }
    svg.plot .axis-line, svg.plot .tick { stroke: #888; stroke-width: 1; }
    svg.plot .point:hover, svg.plot .bar:hover, svg.plot .cell:hover { stroke: #000; stroke-width: 1; }
    details summary { cursor: pointer; font-weight: 600; margin: 1rem 0 0.3rem; }
    @media print {
      @page { size: A4; margin: 12mm; }
      body { max-width: none; margin: 0; padding: 0; font-size: 9.5pt; }
      nav.toc { break-after: page; }
      section.folder { break-before: page; }
      h2 { margin-top: 0; }
      a { color: inherit; text-decoration: none; }
      svg.plot { max-width: 100%; max-height: 240mm; }
      .plots { display: block; }
      table { font-size: 8.5pt; }
      tr, figure, .summary { break-inside: avoid; }
    }

    """
}
