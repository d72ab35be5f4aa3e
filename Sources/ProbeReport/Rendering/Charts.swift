import Foundation

/// Horizontal grouped bars: one group per label, one bar per measure.
struct GroupedBarChart {
    struct Measure {
        let name: String
        let color: String
        let values: [String: Double]
    }

    let id: String
    let title: String
    let labels: [String]
    let measures: [Measure]

    func render(into m: inout Markup) {
        let width = 660.0, left = 150.0, right = 24.0, top = 52.0
        let barHeight = labels.count > 40 ? 4.0 : 6.0, groupHeight = Double(measures.count) * barHeight + 2 + (labels.count > 40 ? 5 : 8)
        let plotHeight = max(groupHeight, Double(labels.count) * groupHeight)
        let height = top + plotHeight + 44
        let maximum = measures.flatMap { measure in labels.compactMap { measure.values[$0] } }.max() ?? 0
        let axis = ValueAxis(maximum: maximum, from: left, to: width - right, count: 6)
        PlotFrame(id: id, kind: "bars", title: title, width: width, height: height).render(into: &m) { m in
            let legend = LegendLayout(count: measures.count, width: width - left, columnWidth: 130)
            legend.render(measures.map { LegendEntry(name: $0.name, color: $0.color, swatch: .box) }, x: left, y: 26, into: &m)
            axis.renderHorizontal(y0: top, y1: top + plotHeight, title: "distance", into: &m)
            for (row, label) in labels.enumerated() {
                let groupTop = top + Double(row) * groupHeight + 4
                m.element("g", [("class", "row-label")]) { m in
                    m.element("title", text: label)
                    m.element("text", [("x", px(left - 8)), ("y", px(groupTop + Double(measures.count) * barHeight / 2 + 4)),
                                       ("text-anchor", "end")], text: truncated(label, to: 22))
                }
                for (index, measure) in measures.enumerated() {
                    guard let value = measure.values[label] else { continue }
                    m.element("rect", [
                        ("class", "bar"), ("data-label", label), ("data-measure", measure.name), ("data-value", decimal4(value)),
                        ("x", px(left)), ("y", px(groupTop + Double(index) * barHeight)),
                        ("width", px(max(0, axis.scale(value) - left))), ("height", px(barHeight - 0.5)), ("fill", measure.color),
                    ]) { m in m.element("title", text: "\(label) · \(measure.name): \(decimal4(value))") }
                }
            }
            m.empty("line", [("class", "axis-line"), ("x1", px(left)), ("y1", px(top)), ("x2", px(left)), ("y2", px(top + plotHeight))])
        }
    }
}

/// A symmetric matrix of label-pair distances, with a colour scale.
struct HeatMap {
    let id: String
    let title: String
    let labels: [String]
    let value: (Int, Int) -> Double?

    func render(into m: inout Markup) {
        let n = labels.count
        let cell = min(40, max(12, (440 / Double(max(1, n))).rounded(.down)))
        let left = 150.0, top = 34.0, matrix = cell * Double(n)
        let bottom = 120.0, legendX = left + matrix + 24
        let width = max(legendX + 70, 420), height = top + matrix + bottom
        var maximum = 0.0
        for i in 0..<n { for j in 0..<n where i != j { maximum = max(maximum, value(i, j) ?? 0) } }
        let nice = niceTicks(maximum: maximum, count: 5)
        let colorScale = LinearScale(domain: (0, nice.top), range: (0, 1))
        let gradientID = id + "-gradient"
        PlotFrame(id: id, kind: "heatmap", title: title, width: width, height: height).render(into: &m) { m in
            m.element("defs") { m in
                m.element("linearGradient", [("id", gradientID), ("x1", "0"), ("y1", "1"), ("x2", "0"), ("y2", "0")]) { m in
                    for stop in 0...8 {
                        let t = Double(stop) / 8
                        m.empty("stop", [("offset", px(t)), ("stop-color", Palette.sequential(t))])
                    }
                }
            }
            for (i, label) in labels.enumerated() {
                let y = top + Double(i) * cell
                m.element("g", [("class", "row-label")]) { m in
                    m.element("title", text: label)
                    m.element("text", [("x", px(left - 6)), ("y", px(y + cell / 2 + 4)), ("text-anchor", "end")], text: truncated(label, to: 22))
                }
                let x = left + Double(i) * cell + cell / 2
                m.element("g", [("class", "column-label")]) { m in
                    m.element("title", text: label)
                    m.element("text", [("transform", "translate(\(px(x + 4)),\(px(top + matrix + 8))) rotate(-50)"), ("text-anchor", "end")],
                              text: truncated(label, to: 18))
                }
            }
            let showValues = cell >= 30
            for i in 0..<n {
                for j in 0..<n {
                    let x = left + Double(j) * cell, y = top + Double(i) * cell
                    let geometry = [("x", px(x)), ("y", px(y)), ("width", px(cell - 1)), ("height", px(cell - 1))]
                    let pairName = "\(labels[i]) — \(labels[j])"
                    if i == j {
                        m.element("rect", [("class", "cell diagonal"), ("data-row", labels[i]), ("data-column", labels[j])] + geometry + [("fill", "#f2f2f2")]) { m in
                            m.element("title", text: "\(labels[i]) (same label)")
                        }
                    } else if let distance = value(i, j) {
                        let t = colorScale(distance)
                        m.element("rect", [("class", "cell"), ("data-row", labels[i]), ("data-column", labels[j]),
                                           ("data-value", decimal4(distance))] + geometry + [("fill", Palette.sequential(t))]) { m in
                            m.element("title", text: "\(pairName): \(decimal4(distance))" + (distance == 0 ? " (no cluster pair, or touching)" : ""))
                        }
                        if showValues {
                            // A class, not a fill attribute: the page's style sheet would override a presentation attribute.
                            m.element("text", [("class", Palette.prefersLightText(t) ? "cell-value light" : "cell-value"),
                                               ("x", px(x + cell / 2 - 0.5)), ("y", px(y + cell / 2 + 3)), ("text-anchor", "middle")],
                                      text: String(format: "%.2f", distance))
                        }
                    } else {
                        m.element("rect", [("class", "cell missing"), ("data-row", labels[i]), ("data-column", labels[j])] + geometry + [("fill", "#ffffff"), ("stroke", "#bbb")]) { m in
                            m.element("title", text: "\(pairName): no value in vec.txt")
                        }
                    }
                }
            }
            m.element("g", [("class", "color-legend")]) { m in
                m.empty("rect", [("x", px(legendX)), ("y", px(top)), ("width", "14"), ("height", px(matrix)),
                                 ("fill", "url(#\(gradientID))")])
                let scale = LinearScale(domain: (0, nice.top), range: (top + matrix, top))
                for tick in nice.ticks {
                    let y = scale(tick)
                    m.empty("line", [("class", "tick"), ("x1", px(legendX + 14)), ("y1", px(y)), ("x2", px(legendX + 18)), ("y2", px(y))])
                    m.element("text", [("x", px(legendX + 21)), ("y", px(y + 4))], text: tickLabel(tick, step: nice.step))
                }
                m.element("text", [("class", "axis-title"), ("x", px(legendX)), ("y", px(top + matrix + 18))], text: "distance")
            }
        }
    }
}

/// Lines over categories (layers or iterations), one per series, with gaps where a value is missing.
struct LineChart {
    struct Series {
        let name: String
        let values: [Double?]
    }

    let id: String
    let kind: String
    let title: String
    let xTitle: String
    let yTitle: String
    let categories: [String]
    let series: [Series]
    /// Categories missing for every series, with the reason for the tooltip (drawn as shaded bands).
    let bands: [Int: String]
    /// Why a single series has no value (for the tooltip of its × mark).
    let gapReason: String

    func render(into m: inout Markup) {
        let width = 520.0, left = 58.0, right = 14.0, top = 32.0, plotHeight = 200.0
        let plotWidth = width - left - right
        // The legend spans the whole plot width (not only the axes) to fit three columns.
        let legendLeft = 16.0
        let legend = LegendLayout(count: series.count, width: width - legendLeft - 8, columnWidth: 160)
        let legendY = top + plotHeight + 46
        let height = legendY + legend.height + 8
        let maximum = series.flatMap { $0.values.compactMap { $0 } }.max() ?? 0
        let axis = ValueAxis(maximum: maximum, from: top + plotHeight, to: top, count: 5)
        let n = max(1, categories.count)
        let slot = plotWidth / Double(n)
        func x(_ index: Int) -> Double { left + (Double(index) + 0.5) * slot }
        let labelEvery = max(1, Int((Double(n) / (plotWidth / 34)).rounded(.up)))
        let hatchID = id + "-hatch"
        PlotFrame(id: id, kind: kind, title: title, width: width, height: height).render(into: &m) { m in
            if !bands.isEmpty {
                m.element("defs") { m in
                    m.element("pattern", [("id", hatchID), ("patternUnits", "userSpaceOnUse"), ("width", "6"), ("height", "6"),
                                          ("patternTransform", "rotate(45)")]) { m in
                        m.empty("rect", [("width", "6"), ("height", "6"), ("fill", "#f4f4f4")])
                        m.empty("line", [("x1", "0"), ("y1", "0"), ("x2", "0"), ("y2", "6"), ("stroke", "#d6d6d6"), ("stroke-width", "2")])
                    }
                }
            }
            for (index, reason) in bands.sorted(by: { $0.key < $1.key }) where index < categories.count {
                m.element("g", [("class", "gap-band"), ("data-x", categories[index])]) { m in
                    m.element("title", text: "\(categories[index]): \(reason)")
                    m.empty("rect", [("x", px(x(index) - slot / 2)), ("y", px(top)), ("width", px(slot)), ("height", px(plotHeight)),
                                     ("fill", "url(#\(hatchID))")])
                    m.element("text", [("class", "gap-text"), ("x", px(x(index))), ("y", px(top + 12)), ("text-anchor", "middle")], text: "×")
                }
            }
            axis.renderVertical(x0: left, x1: width - right, title: yTitle, into: &m)
            m.element("g", [("class", "axis axis-x")]) { m in
                m.empty("line", [("class", "axis-line"), ("x1", px(left)), ("y1", px(top + plotHeight)), ("x2", px(width - right)), ("y2", px(top + plotHeight))])
                for (index, category) in categories.enumerated() where index % labelEvery == 0 || index == categories.count - 1 {
                    m.element("g") { m in
                        m.element("title", text: category)
                        m.element("text", [("x", px(x(index))), ("y", px(top + plotHeight + 15)), ("text-anchor", "middle")],
                                  text: truncated(category, to: 9))
                    }
                }
                m.element("text", [("class", "axis-title"), ("x", px(left + plotWidth / 2)), ("y", px(top + plotHeight + 34)),
                                   ("text-anchor", "middle")], text: xTitle)
            }
            for (index, line) in series.enumerated() {
                let color = Palette.color(index)
                var path = ""
                var penDown = false
                for (column, value) in line.values.enumerated() where column < categories.count {
                    guard let value else { penDown = false; continue }
                    path += (penDown ? "L" : "M") + px(x(column)) + " " + px(axis.scale(value)) + " "
                    penDown = true
                }
                var attributes = [("class", "series"), ("data-series", line.name), ("d", path.isEmpty ? "M0 0" : String(path.dropLast())),
                                  ("fill", "none"), ("stroke", color), ("stroke-width", "1.8")]
                if let dash = Palette.dash(index) { attributes.append(("stroke-dasharray", dash)) }
                m.element("path", attributes) { m in m.element("title", text: line.name) }
                for (column, value) in line.values.enumerated() where column < categories.count {
                    if let value {
                        m.element("circle", [("class", "point"), ("data-series", line.name), ("data-x", categories[column]),
                                             ("data-value", decimal4(value)), ("cx", px(x(column))), ("cy", px(axis.scale(value))),
                                             ("r", "2.6"), ("fill", color)]) { m in
                            m.element("title", text: "\(line.name) · \(xTitle) \(categories[column]): \(decimal4(value))")
                        }
                    } else if bands[column] == nil {
                        let cx = x(column), cy = top + plotHeight - 5
                        m.element("path", [("class", "gap"), ("data-series", line.name), ("data-x", categories[column]),
                                           ("d", "M\(px(cx - 3)) \(px(cy - 3))L\(px(cx + 3)) \(px(cy + 3))M\(px(cx - 3)) \(px(cy + 3))L\(px(cx + 3)) \(px(cy - 3))"),
                                           ("stroke", color), ("stroke-width", "1.6")]) { m in
                            m.element("title", text: "\(line.name) · \(xTitle) \(categories[column]): \(gapReason)")
                        }
                    }
                }
            }
            legend.render(series.enumerated().map { LegendEntry(name: $1.name, color: Palette.color($0), dash: Palette.dash($0)) },
                          x: legendLeft, y: legendY, into: &m)
        }
    }
}

/// A grid of linear / not-linear verdicts: one row per iteration, one column per layer.
struct LinearityGrid {
    let id: String
    let title: String
    let rows: [String]
    let columns: [String]
    let verdict: (String, String) -> Bool?

    func render(into m: inout Markup) {
        let cellWidth = min(36, max(16, (520 / Double(max(1, columns.count))).rounded(.down))), cellHeight = 22.0
        let left = 110.0, top = 60.0
        let gridWidth = cellWidth * Double(columns.count)
        let width = max(left + gridWidth + 20, 360), height = top + cellHeight * Double(rows.count) + 44
        PlotFrame(id: id, kind: "linearity", title: title, width: width, height: height).render(into: &m) { m in
            m.element("text", [("class", "axis-title"), ("x", px(left + gridWidth / 2)), ("y", px(top - 26)), ("text-anchor", "middle")], text: "layer")
            for (c, layer) in columns.enumerated() {
                m.element("text", [("x", px(left + (Double(c) + 0.5) * cellWidth)), ("y", px(top - 6)), ("text-anchor", "middle")],
                          text: truncated(layer, to: 5))
            }
            for (r, row) in rows.enumerated() {
                let y = top + Double(r) * cellHeight
                m.element("g", [("class", "row-label")]) { m in
                    m.element("title", text: "iteration \(row)")
                    m.element("text", [("x", px(left - 8)), ("y", px(y + cellHeight / 2 + 4)), ("text-anchor", "end")],
                              text: "iteration " + truncated(row, to: 8))
                }
                for (c, layer) in columns.enumerated() {
                    let x = left + Double(c) * cellWidth
                    let geometry = [("x", px(x)), ("y", px(y)), ("width", px(cellWidth - 2)), ("height", px(cellHeight - 2))]
                    let state = verdict(row, layer)
                    let (name, fill, tip): (String, String, String) = switch state {
                    case true?: ("linear", "#4e79a7", "separable")
                    case false?: ("not-linear", "#fbe3e4", "not linearly separable")
                    case nil: ("absent", "#eeeeee", "no data")
                    }
                    m.element("rect", [("class", "cell"), ("data-iteration", row), ("data-layer", layer), ("data-linear", name)]
                              + geometry + [("fill", fill)]) { m in
                        m.element("title", text: "iteration \(row), layer \(layer): \(tip)")
                    }
                    if state == false {
                        m.element("text", [("class", "gap-text"), ("x", px(x + cellWidth / 2 - 1)), ("y", px(y + cellHeight / 2 + 4)),
                                           ("text-anchor", "middle")], text: "×")
                    }
                }
            }
            let legendY = top + cellHeight * Double(rows.count) + 14
            LegendLayout(count: 2, width: 300, columnWidth: 150).render([
                LegendEntry(name: "linearly separable", color: "#4e79a7", swatch: .box),
                LegendEntry(name: "not separable (×)", color: "#fbe3e4", swatch: .box),
            ], x: left, y: legendY, into: &m)
        }
    }
}
