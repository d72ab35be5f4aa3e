import Foundation
import ResultSchema

/// An entry of the table of contents: the anchor of a figure or block, and its title.
struct Figure {
    let anchor: String
    let title: String
}

/// Writes `<table>` rows of (name, value).
func keyValueTable(_ rows: [(String, String)], into m: inout Markup) {
    m.element("table", [("class", "facts")]) { m in
        m.element("tbody") { m in
            for (key, value) in rows {
                m.element("tr") { m in
                    m.element("th", [("scope", "row")], text: key)
                    m.element("td", text: value)
                }
            }
        }
    }
    m.newline()
}

/// Writes a table with a header row.
func dataTable(header: [String], rows: [[String]], className: String, into m: inout Markup) {
    m.element("table", [("class", className)]) { m in
        m.element("thead") { m in
            m.element("tr") { m in header.forEach { m.element("th", [("scope", "col")], text: $0) } }
        }
        m.element("tbody") { m in
            for row in rows {
                m.element("tr") { m in row.forEach { m.element("td", text: $0) } }
            }
        }
    }
    m.newline()
}

/// Writes `<figure id=…>` with the plot and a caption.
func figure(anchor: String, caption: String, into m: inout Markup, _ plot: (inout Markup) -> Void) {
    m.element("figure", [("id", anchor)]) { m in
        plot(&m)
        m.element("figcaption", text: caption)
    }
    m.newline()
}

private func optional(_ value: Double?) -> String { value.map(decimal4) ?? "—" }
private func yesNo(_ value: Bool) -> String { value ? "yes" : "no" }
private func percent(_ value: Double) -> String { String(format: "%.2f %%", value * 100) }

/// The section of one single run: summary, per-label bars, pair heat map, tables.
struct RunSection {
    let run: RunResult
    let anchor: String

    var figures: [Figure] {
        var list = [Figure(anchor: anchor + "-summary", title: "Summary")]
        if !run.labels.isEmpty && !(run.insideMean.isEmpty && run.insideMax.isEmpty && run.outsideMin.isEmpty) {
            list.append(Figure(anchor: anchor + "-bars", title: "Distances per label"))
        }
        if run.labels.count >= 2 && !run.pairDistances.isEmpty {
            list.append(Figure(anchor: anchor + "-heatmap", title: "Label-pair distances"))
        }
        return list
    }

    func render(into m: inout Markup) {
        m.element("div", [("id", anchor + "-summary"), ("class", "summary")]) { m in
            m.element("h3", text: "Summary")
            keyValueTable(summaryRows(), into: &m)
            if !run.missingFiles.isEmpty {
                m.element("p", [("class", "note")], text: "Absent from this folder: \(run.missingFiles.joined(separator: ", ")).")
            }
        }
        if figures.contains(where: { $0.anchor == anchor + "-bars" }) {
            figure(anchor: anchor + "-bars", caption: "Per label: inside mean (mean pairwise distance within the label's clusters), "
                   + "inside max (largest such distance) and outside min (smallest hull distance to another label). "
                   + "Hover a bar for its value; the table below lists them all.", into: &m) { m in
                GroupedBarChart(id: anchor + "-bars-plot", title: "Distances per label", labels: run.labels, measures: [
                    .init(name: "inside mean", color: Palette.insideMean, values: run.insideMean),
                    .init(name: "inside max", color: Palette.insideMax, values: run.insideMax),
                    .init(name: "outside min", color: Palette.outsideMin, values: run.outsideMin),
                ]).render(into: &m)
            }
        }
        if figures.contains(where: { $0.anchor == anchor + "-heatmap" }) {
            let labels = run.labels
            figure(anchor: anchor + "-heatmap", caption: "Mean hull distance between the clusters of each pair of labels (vec.txt), "
                   + "symmetric; darker is closer. 0 means no pair of analysed clusters (or touching hulls).", into: &m) { m in
                HeatMap(id: anchor + "-heatmap-plot", title: "Label-pair distances", labels: labels) { i, j in
                    run.distance(labels[i], labels[j])
                }.render(into: &m)
            }
        }
        renderLabelTable(into: &m)
        renderSetAside(into: &m)
        renderClosestPairs(into: &m)
        if let predictions = run.predictions, !predictions.predictions.isEmpty {
            m.element("h3", text: "Test-set predictions (prediction.txt)")
            dataTable(header: ["gold label", "test points", "correct", "accuracy"], rows: predictions.perLabel.map {
                [$0.label, "\($0.total)", "\($0.correct)", percent(Double($0.correct) / Double(max(1, $0.total)))]
            }, className: "numbers", into: &m)
        }
    }

    private func summaryRows() -> [(String, String)] {
        let summary = run.summary, log = run.logFacts
        var rows: [(String, String)] = []
        if let tool = summary?.tool {
            rows.append(("Written by", [tool, summary?.version].compactMap { $0 }.joined(separator: " ")))
        }
        if let mode = summary?.mode { rows.append(("Mode", mode.rawValue)) }
        if let created = summary?.created { rows.append(("Created", created)) }
        rows.append(("Labels", "\(run.labels.count)"))
        if let points = run.pointCount { rows.append(("Training points (clusters.txt)", "\(points)")) }
        if let embeddings = summary?.inputs?.embeddings {
            if let rowsCount = embeddings.rows, let dimension = embeddings.dimension {
                rows.append(("Embeddings", "\(rowsCount) × \(dimension)"))
            }
            rows.append(("Embeddings file", embeddings.path))
            if let checksum = embeddings.checksum { rows.append(("Embeddings checksum", checksum)) }
        }
        if let clusters = summary?.clusters ?? log.finalClusters {
            rows.append(("Clusters at the end of probing", "\(clusters)"))
        } else if let clusters = run.clusterCount {
            rows.append(("Clusters (clusters.txt)", "\(clusters)"))
        }
        if let setAside = summary?.setAside, !setAside.isEmpty {
            let groups = Set(setAside.map(\.group)).count
            rows.append(("Points set aside (coincident with another label)", "\(setAside.count) in \(groups) group\(groups == 1 ? "" : "s")"))
        }
        if let analysed = summary?.clustersAnalysed { rows.append(("Clusters analysed (more than 5 points)", "\(analysed)")) }
        if let linear = summary?.linear ?? log.linear { rows.append(("Linearly separable", yesNo(linear))) }
        if let state = summary?.firstErrorState ?? log.firstErrorState { rows.append(("First overlapping state", "\(state)")) }
        if let accuracy = summary?.accuracy ?? log.accuracy ?? run.predictions?.accuracy {
            rows.append(("Test accuracy", percent(accuracy)))
        }
        let measures = run.summaryMeasures
        rows.append(("Global min distance", optional(measures.globalMinDistance)))
        rows.append(("Mean inside-mean distance", optional(measures.meanInsideMeanDistance)))
        rows.append(("Max inside-max distance", optional(measures.maxInsideMaxDistance)))
        rows.append(("Inside max / outside min", optional(measures.insideMaxOverOutsideMin)))
        rows.append(("Inside mean / outside min", optional(measures.insideMeanOverOutsideMin)))
        rows.append(("Measures from", measures.source.rawValue))
        for (phase, seconds) in summary?.timings ?? [] {
            rows.append(("Time: \(phase)", String(format: "%.3f s", seconds)))
        }
        if let peak = summary?.peakMemoryBytes {
            rows.append(("Peak memory", String(format: "%.1f MiB", Double(peak) / 1_048_576)))
        }
        return rows
    }

    private func renderLabelTable(into m: inout Markup) {
        guard !run.labels.isEmpty else { return }
        let counts = run.summary?.labelCounts ?? [:]
        let hasCounts = !counts.isEmpty
        var header = ["label", "inside mean", "inside max", "outside min"]
        if hasCounts { header += ["clusters", "points"] }
        let rows = run.labels.map { label -> [String] in
            var row = [label, optional(run.insideMean[label]), optional(run.insideMax[label]), optional(run.outsideMin[label])]
            if hasCounts {
                row += [counts[label]?.clusters.map(String.init) ?? "—", counts[label]?.points.map(String.init) ?? "—"]
            }
            return row
        }
        m.element("details", [("class", "per-label"), ("open", "open")]) { m in
            m.element("summary", text: "Per-label values")
            dataTable(header: header, rows: rows, className: "numbers", into: &m)
        }
    }

    /// The training points set aside as singletons (coincident with a point of another
    /// label), as `summary.json` lists them; the first 200 rows.
    private func renderSetAside(into m: inout Markup) {
        guard let setAside = run.summary?.setAside, !setAside.isEmpty else { return }
        let shown = setAside.prefix(200)
        m.element("details", [("class", "set-aside")]) { m in
            m.element("summary", text: "Points set aside: \(setAside.count) training points share their vector with a point of another label (singleton clusters, not probed)")
            dataTable(header: ["line", "entity", "label", "group"], rows: shown.map { ["\($0.line)", $0.entity, $0.label, "\($0.group)"] },
                      className: "numbers", into: &m)
            if setAside.count > shown.count {
                m.element("p", text: "… and \(setAside.count - shown.count) more in summary.json (set_aside).")
            }
        }
    }

    private func renderClosestPairs(into m: inout Markup) {
        let pairs = run.pairDistances.filter { $0.value > 0 }
            .sorted { ($0.value, $0.key.a, $0.key.b) < ($1.value, $1.key.a, $1.key.b) }.prefix(5)
        guard !pairs.isEmpty else { return }
        m.element("h3", text: "Closest label pairs")
        dataTable(header: ["label", "label", "distance"], rows: pairs.map { [$0.key.a, $0.key.b, decimal4($0.value)] },
                  className: "numbers", into: &m)
    }
}

/// The section of a batch folder: the closer-look figures across layers and fine-tuning iterations.
struct BatchSection {
    let batch: BatchResult
    let anchor: String
    let chosenLayers: [String]?

    /// The layers plotted across iterations: the chosen ones that exist, else up to four spread over the stack (always the last).
    var layersAcrossIterations: [String] { layersToPlot(batch.layers, chosen: chosenLayers) }

    var figures: [Figure] {
        var list = [Figure(anchor: anchor + "-summary", title: "Summary"),
                    Figure(anchor: anchor + "-linearity", title: "Linearity per layer")]
        if batch.iterations.contains(where: { $0.pairDistances != nil }) {
            list.append(Figure(anchor: anchor + "-mean-pair", title: "Mean label-pair distance across layers"))
        }
        if batch.iterations.contains(where: { $0.outsideMin != nil }) {
            list.append(Figure(anchor: anchor + "-layers", title: "Minimum distance per label across layers"))
            list.append(Figure(anchor: anchor + "-iterations", title: "Minimum distance per label across iterations"))
        }
        return list
    }

    private func linearReason() -> String {
        batch.linearityFromSummary ? "not linearly separable (summary.json)" : "not linearly separable (all values 0)"
    }

    /// A layer's values of a row for an iteration, nil where the layer is not separable or absent.
    private func values(_ table: MeasureTable?, row: String, iteration: String, layers: [String]) -> [Double?] {
        layers.map { layer in
            guard batch.isLinear(iteration: iteration, layer: layer) == true else { return nil }
            return table?.value(row: row, layer: layer)
        }
    }

    func render(into m: inout Markup) {
        let iterations = batch.iterations.map(\.name)
        let layers = batch.layers
        let nonSeparable = batch.iterations.reduce(0) { count, run in
            count + layers.filter { batch.isLinear(iteration: run.name, layer: $0) == false }.count
        }
        m.element("div", [("id", anchor + "-summary"), ("class", "summary")]) { m in
            m.element("h3", text: "Summary")
            var rows: [(String, String)] = [
                ("Iterations", iterations.joined(separator: ", ")),
                ("Layers", layers.joined(separator: ", ")),
                ("Labels", "\(batch.labels.count)"),
            ]
            if let clusters = batch.summary?.clusters { rows.append(("Fixed clusters", "\(clusters)")) }
            if let created = batch.summary?.created { rows.append(("Created", created)) }
            rows.append(("Non-separable (iteration, layer) cells", "\(nonSeparable) of \(iterations.count * layers.count)"))
            rows.append(("Linearity from", batch.linearityFromSummary ? "summary.json" : "all-zero columns (no summary.json)"))
            keyValueTable(rows, into: &m)
        }

        let clusterNote = batch.summary?.clusters.map { " The fixed clustering has \($0) clusters." } ?? " The cluster count is not known (no summary.json)."
        figure(anchor: anchor + "-linearity", caption: "Whether the fixed clusters are linearly separable at each layer of each iteration "
               + (batch.linearityFromSummary ? "(from summary.json)." : "(inferred: a layer whose values are all 0 was not separable).")
               + clusterNote, into: &m) { m in
            LinearityGrid(id: anchor + "-linearity-plot", title: "Linearity per layer", rows: iterations, columns: layers) { iteration, layer in
                batch.isLinear(iteration: iteration, layer: layer)
            }.render(into: &m)
        }

        if figures.contains(where: { $0.anchor == anchor + "-mean-pair" }) {
            let series = batch.iterations.map { run -> LineChart.Series in
                let means = layers.map { layer -> Double? in
                    guard batch.isLinear(iteration: run.name, layer: layer) == true,
                          let column = run.pairDistances?.column(layer), !column.isEmpty else { return nil }
                    return column.reduce(0, +) / Double(column.count)
                }
                return LineChart.Series(name: "iteration \(run.name)", values: means)
            }
            figure(anchor: anchor + "-mean-pair", caption: "Mean over label pairs of the label-pair distance (mean of the batch_vec rows), "
                   + "one line per fine-tuning iteration. × at the bottom: the layer is not linearly separable in that iteration (no value).", into: &m) { m in
                LineChart(id: anchor + "-mean-pair-plot", kind: "mean-pair", title: "Mean label-pair distance across layers",
                          xTitle: "layer", yTitle: "mean distance", categories: layers, series: series,
                          bands: bandsWhereAllMissing(series, reason: linearReason()), gapReason: linearReason()).render(into: &m)
            }
        }

        guard figures.contains(where: { $0.anchor == anchor + "-layers" }) else { return }
        m.element("div", [("id", anchor + "-layers"), ("class", "figure-group")]) { m in
            m.element("h3", text: "Minimum distance per label across layers")
            m.element("div", [("class", "plots")]) { m in
                for (index, run) in batch.iterations.enumerated() where run.outsideMin != nil {
                    let labels = run.outsideMin?.rows ?? []
                    let series = labels.map { label in
                        LineChart.Series(name: label, values: values(run.outsideMin, row: label, iteration: run.name, layers: layers))
                    }
                    let bands = Dictionary(uniqueKeysWithValues: layers.enumerated().compactMap { column, layer in
                        batch.isLinear(iteration: run.name, layer: layer) == true ? nil : (column, batch.isLinear(iteration: run.name, layer: layer) == nil ? "no data" : linearReason())
                    })
                    figure(anchor: anchor + "-layers-\(index)", caption: "Iteration \(run.name): outside min (smallest hull distance to another label) "
                           + "per label at each layer. Hatched layers (×) are not linearly separable with the fixed clusters and have no value.",
                           into: &m) { m in
                        LineChart(id: anchor + "-layers-\(index)-plot", kind: "layers", title: "Iteration \(run.name): minimum distance per label",
                                  xTitle: "layer", yTitle: "outside min", categories: layers, series: series, bands: bands,
                                  gapReason: linearReason()).render(into: &m)
                    }
                }
            }
        }
        m.element("div", [("id", anchor + "-iterations"), ("class", "figure-group")]) { m in
            m.element("h3", text: "Minimum distance per label across fine-tuning iterations")
            m.element("div", [("class", "plots")]) { m in
                for (index, layer) in layersAcrossIterations.enumerated() {
                    let labels = batch.labels.filter { label in batch.iterations.contains { $0.outsideMin?.rows.contains(label) ?? false } }
                    let series = labels.map { label in
                        LineChart.Series(name: label, values: batch.iterations.map { run in
                            batch.isLinear(iteration: run.name, layer: layer) == true ? run.outsideMin?.value(row: label, layer: layer) : nil
                        })
                    }
                    let bands = Dictionary(uniqueKeysWithValues: batch.iterations.enumerated().compactMap { column, run in
                        batch.isLinear(iteration: run.name, layer: layer) == true ? nil : (column, linearReason())
                    })
                    let isLast = layer == layers.last
                    figure(anchor: anchor + "-iterations-\(index)", caption: "Layer \(layer)\(isLast ? " (the last layer)" : ""): "
                           + "outside min per label across fine-tuning iterations. Hatched iterations (×) are not linearly separable at this layer.",
                           into: &m) { m in
                        LineChart(id: anchor + "-iterations-\(index)-plot", kind: "iterations",
                                  title: "Layer \(layer): minimum distance per label", xTitle: "iteration", yTitle: "outside min",
                                  categories: batch.iterations.map(\.name), series: series, bands: bands,
                                  gapReason: linearReason()).render(into: &m)
                    }
                }
            }
        }
    }

    private func bandsWhereAllMissing(_ series: [LineChart.Series], reason: String) -> [Int: String] {
        guard !series.isEmpty else { return [:] }
        var bands: [Int: String] = [:]
        for column in batch.layers.indices where series.allSatisfy({ column >= $0.values.count || $0.values[column] == nil }) {
            bands[column] = reason
        }
        return bands
    }
}
