import Foundation

/// What every plot shares: the `<svg>` element with its accessible title, the visible title, axes and legends.
struct PlotFrame {
    let id: String
    let kind: String
    let title: String
    let width: Double
    let height: Double

    /// Writes `<svg …><title>…</title><text class="plot-title">…</text>`, then `body`, then `</svg>`.
    func render(into m: inout Markup, _ body: (inout Markup) -> Void) {
        m.open("svg", [
            ("xmlns", "http://www.w3.org/2000/svg"), ("class", "plot"), ("id", id), ("data-plot", kind),
            ("viewBox", "0 0 \(px(width)) \(px(height))"), ("width", px(width)), ("height", px(height)),
            ("role", "img"), ("aria-labelledby", id + "-title"),
        ])
        m.element("title", [("id", id + "-title")], text: title)
        m.element("text", [("class", "plot-title"), ("x", px(width / 2)), ("y", "18"), ("text-anchor", "middle")], text: title)
        body(&m)
        m.close("svg")
        m.newline()
    }
}

/// A legend entry: a swatch (box or line) and a name.
struct LegendEntry {
    enum Swatch { case box, line }
    let name: String
    let color: String
    var dash: String? = nil
    var swatch: Swatch = .line
}

/// Legend layout in columns, filled column by column.
struct LegendLayout {
    static let rowHeight = 16.0
    let columns: Int
    let rows: Int
    let columnWidth: Double
    let nameLimit: Int

    init(count: Int, width: Double, columnWidth: Double = 150) {
        let columns = max(1, min(count, Int(width / columnWidth)))
        self.columns = columns
        self.rows = count == 0 ? 0 : (count + columns - 1) / columns
        self.columnWidth = columnWidth
        self.nameLimit = max(6, Int((columnWidth - 30) / 6.2))
    }

    var height: Double { Double(rows) * Self.rowHeight }

    /// Writes the entries from (`x`, `y`) at their top left.
    func render(_ entries: [LegendEntry], x: Double, y: Double, into m: inout Markup) {
        m.element("g", [("class", "legend")]) { m in
            for (index, entry) in entries.enumerated() {
                let column = rows == 0 ? 0 : index / rows, row = rows == 0 ? 0 : index % rows
                let left = x + Double(column) * columnWidth, middle = y + Double(row) * Self.rowHeight + Self.rowHeight / 2
                m.element("g", [("class", "legend-entry"), ("data-series", entry.name)]) { m in
                    m.element("title", text: entry.name)
                    switch entry.swatch {
                    case .box:
                        m.empty("rect", [("x", px(left)), ("y", px(middle - 5)), ("width", "14"), ("height", "10"), ("fill", entry.color)])
                    case .line:
                        var attributes = [("x1", px(left)), ("y1", px(middle)), ("x2", px(left + 20)), ("y2", px(middle)),
                                          ("stroke", entry.color), ("stroke-width", "2.5")]
                        if let dash = entry.dash { attributes.append(("stroke-dasharray", dash)) }
                        m.empty("line", attributes)
                    }
                    m.element("text", [("class", "legend-text"), ("x", px(left + 25)), ("y", px(middle + 4))],
                              text: truncated(entry.name, to: nameLimit))
                }
            }
        }
    }
}

/// A value axis from 0: grid lines and tick labels, vertical (left) or horizontal (bottom).
struct ValueAxis {
    let ticks: [Double]
    let step: Double
    let scale: LinearScale

    init(maximum: Double, from start: Double, to end: Double, count: Int = 5) {
        let nice = niceTicks(maximum: maximum, count: count)
        ticks = nice.ticks
        step = nice.step
        scale = LinearScale(domain: (0, nice.top), range: (start, end))
    }

    /// A left axis: horizontal grid lines across `x0...x1`.
    func renderVertical(x0: Double, x1: Double, title: String, into m: inout Markup) {
        m.element("g", [("class", "axis axis-y")]) { m in
            for tick in ticks {
                let y = scale(tick)
                m.empty("line", [("class", "grid"), ("x1", px(x0)), ("y1", px(y)), ("x2", px(x1)), ("y2", px(y))])
                m.element("text", [("x", px(x0 - 6)), ("y", px(y + 4)), ("text-anchor", "end")], text: tickLabel(tick, step: step))
            }
            let middle = (scale.range.0 + scale.range.1) / 2
            m.element("text", [("class", "axis-title"), ("transform", "translate(\(px(x0 - 42)),\(px(middle))) rotate(-90)"),
                               ("text-anchor", "middle")], text: title)
        }
    }

    /// A bottom axis: vertical grid lines across `y0...y1`, labels below `y1`.
    func renderHorizontal(y0: Double, y1: Double, title: String, into m: inout Markup) {
        m.element("g", [("class", "axis axis-x")]) { m in
            for tick in ticks {
                let x = scale(tick)
                m.empty("line", [("class", "grid"), ("x1", px(x)), ("y1", px(y0)), ("x2", px(x)), ("y2", px(y1))])
                m.element("text", [("x", px(x)), ("y", px(y1 + 14)), ("text-anchor", "middle")], text: tickLabel(tick, step: step))
            }
            let middle = (scale.range.0 + scale.range.1) / 2
            m.element("text", [("class", "axis-title"), ("x", px(middle)), ("y", px(y1 + 32)), ("text-anchor", "middle")], text: title)
        }
    }
}
