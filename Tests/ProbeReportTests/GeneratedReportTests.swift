import Foundation
import Testing
@testable import ProbeReport
import ResultSchema

/// Reports over folders written by the tests, with known values and awkward labels.
@Suite struct GeneratedReportTests {
    /// 25 labels, some with markup characters and some long.
    static let awkwardLabels: [String] = {
        var labels = ["a<b", "x&y", "q\"uote", "it's", "noun.communication.with-a-very-long-name", "tag>", "&amp;"]
        labels += (labels.count..<25).map { String(format: "L%02d", $0) }
        return labels.sorted()
    }()

    @Test func labelsWithMarkupCharactersAreEscapedAndStillCountRight() throws {
        let temporary = try TemporaryFolder()
        defer { temporary.remove() }
        let labels = Self.awkwardLabels
        let folder = try writeRunFolder(in: temporary, name: "run", labels: labels) { i, j in 0.5 + Double(i * 25 + j) / 1000 }
        let run = try RunResult(folder: folder)
        #expect(run.labels == labels)
        #expect(run.distance(labels[3], labels[1]) == run.distance(labels[1], labels[3]))

        guard let (html, page) = renderAndParse(try Report(resultFolders: [folder])) else { return }
        // The raw markup never holds a label's `<`, `&` or `"` unescaped...
        #expect(!html.contains("a<b"))
        #expect(!html.contains("x&y"))
        #expect(!html.contains("q\"uote"))
        #expect(html.contains("a&lt;b"))
        // ...and the parsed page gives them back exactly.
        let bars = page.all("rect", class: "bar")
        #expect(bars.count == 3 * 25)
        #expect(Set(bars.compactMap { $0.attributes["data-label"] }) == Set(labels))
        #expect(page.all("rect", class: "cell").count == 25 * 25)
        let tooltips = page.descendants.compactMap(\.tooltip)
        for label in labels {
            #expect(tooltips.contains(label), "no tooltip names \(label)")
        }
        // A long label is shortened on the axis, with its full name in the tooltip.
        let long = "noun.communication.with-a-very-long-name"
        let rowLabel = page.all("g", class: "row-label").first { $0.tooltip == long }
        let shown = rowLabel?.all("text").first?.allText ?? ""
        #expect(shown.hasSuffix("…"))
        #expect(shown.count < long.count)
        // Known answers: the smallest pair distance of label 0 is its pair with label 1.
        let expectedMin = String(format: "%.4f", 0.5 + Double(0 * 25 + 1) / 1000)
        #expect(bars.first { $0.attributes["data-label"] == labels[0] && $0.attributes["data-measure"] == "outside min" }?
            .attributes["data-value"] == expectedMin)
    }

    @Test func summaryJSONAddsAccuracyClustersAndLinearity() throws {
        let temporary = try TemporaryFolder()
        defer { temporary.remove() }
        let folder = try writeRunFolder(in: temporary, name: "run", labels: ["L00", "L01"]) { _, _ in 1.02 }
        try temporary.write("run/summary.json", """
        {"tool":"probe","version":"0.1.0","mode":"probing","created":"2026-11-28T13:10:53Z",
         "labels":["L00","L01"],"clusters":5,"clusters_analysed":4,"linear":false,"first_error_state":395,
         "summary":{"global_min_dis":0.73,"mean_inside_mean_dis":4.7,"max_inside_max_dis":9.4,
                    "inside_max_over_outside_min":8.6,"inside_mean_over_outside_min":4.8},
         "per_label":[{"label":"L00","outside_min":0.73,"inside_mean":4.1,"inside_max":9.4,"clusters":2,"points":100}],
         "label_pairs":[{"a":"L00","b":"L01","distance":1.02}],
         "accuracy":0.59, "timings_seconds":{"total":0.2,"probing":0.1},
         "inputs":{"embeddings":{"path":"emb.txt","checksum":"crc32:0badf00d/bytes:1234","rows":400,"dimension":16}},
         "peak_memory_bytes":123456, "some_future_field":{"nested":[1,2,3]},
         "set_aside":[{"line":3,"entity":"ho","label":"L00","group":1},{"line":9,"entity":"ho","label":"L01","group":1},
                      {"line":12,"entity":"x","label":"L00","group":2},{"line":20,"entity":"x","label":"L01","group":2}]}
        """)
        let run = try RunResult(folder: folder)
        let summary = try #require(run.summary)
        #expect(summary.clusters == 5)
        #expect(summary.linear == false)
        #expect(summary.firstErrorState == 395)
        #expect(summary.accuracy == 0.59)
        #expect(summary.timings.map(\.phase) == ["probing", "total"])
        #expect(summary.labelCounts["L00"]?.points == 100)
        #expect(run.summaryMeasures.source == .summaryFile)
        #expect(run.summaryMeasures.insideMaxOverOutsideMin == 8.6)

        guard let (_, page) = renderAndParse(try Report(resultFolders: [folder])) else { return }
        let facts = Dictionary(page.all("table", class: "facts").flatMap { $0.all("tr") }.map {
            ($0.all("th").first?.allText ?? "", $0.all("td").first?.allText ?? "")
        }, uniquingKeysWith: { first, _ in first })
        #expect(facts["Test accuracy"] == "59.00 %")
        #expect(facts["Clusters at the end of probing"] == "5")
        #expect(facts["Linearly separable"] == "no")
        #expect(facts["First overlapping state"] == "395")
        #expect(facts["Inside max / outside min"] == "8.6000")
        #expect(facts["Measures from"] == "summary.json")
        #expect(facts["Embeddings"] == "400 × 16")
        #expect(facts["Embeddings checksum"] == "crc32:0badf00d/bytes:1234")
        #expect(facts["Points set aside (coincident with another label)"] == "4 in 2 groups")
    }

    @Test func summaryJSONWithNullsAndNoAccuracyLeavesThoseRowsOut() throws {
        let temporary = try TemporaryFolder()
        defer { temporary.remove() }
        let folder = try writeRunFolder(in: temporary, name: "run", labels: ["A", "B", "C"]) { i, j in Double(i + j) }
        try temporary.write("run/summary.json", #"{"linear":true,"first_error_state":null,"accuracy":null,"summary":null,"clusters":null}"#)
        let run = try RunResult(folder: folder)
        #expect(run.summary?.linear == true)
        #expect(run.summary?.firstErrorState == nil)
        // Without measures in summary.json or the log, they are recomputed from the files.
        #expect(run.summaryMeasures.source == .resultFiles)
        #expect(run.summaryMeasures.globalMinDistance == 1)
        guard let (_, page) = renderAndParse(try Report(resultFolders: [folder])) else { return }
        let headers = page.all("th").map(\.allText)
        #expect(!headers.contains("Test accuracy"))
        #expect(!headers.contains("First overlapping state"))
        #expect(headers.contains("Linearly separable"))
    }

    @Test func predictionsGiveAccuracyPerLabel() throws {
        let temporary = try TemporaryFolder()
        defer { temporary.remove() }
        let folder = try writeRunFolder(in: temporary, name: "run", labels: ["A-x", "B"]) { _, _ in 1 }
        try temporary.write("run/prediction.txt", """
        A-x\t0-A-x,0.1\t1-B,0.5
        A-x\t1-B,0.2\t0-A-x,0.3
        B\t1-B,0.0\t0-A-x,0.9
        B\t1-B,0.1\t0-A-x,0.8

        """)
        let run = try RunResult(folder: folder)
        let predictions = try #require(run.predictions)
        #expect(predictions.predictions.count == 4)
        #expect(predictions.predictions[0].ranking[0] == .init(cluster: 0, label: "A-x", distance: 0.1))
        #expect(predictions.accuracy == 0.75)
        #expect(predictions.perLabel.map(\.correct) == [1, 2])
        guard let (_, page) = renderAndParse(try Report(resultFolders: [folder])) else { return }
        #expect(page.all("td").contains { $0.allText == "75.00 %" })
    }

    @Test func pairLabelsHoldingTheSeparatorAreSplitByTheKnownLabels() throws {
        let temporary = try TemporaryFolder()
        defer { temporary.remove() }
        try temporary.write("run/outside_min.txt", "a---b,1.0000\nc,1.0000\n")
        try temporary.write("run/vec.txt", "a---b---c,1.0000\n")
        let run = try RunResult(folder: temporary.folder("run"))
        #expect(run.pairDistances[LabelPair("a---b", "c")] == 1)
        #expect(run.missingFiles.sorted() == ["clusters.txt", "inside_max.txt", "inside_mean.txt"])
        guard let (_, page) = renderAndParse(try Report(resultFolders: [temporary.folder("run")])) else { return }
        #expect(page.all("rect", class: "bar").count == 2)
        #expect(page.all("rect", class: "cell").count == 4)
    }

    @Test func batchIterationsSortNumericallyAndSummaryLinearityWins() throws {
        let temporary = try TemporaryFolder()
        defer { temporary.remove() }
        let folder = try writeBatchFolder(in: temporary, name: "batch", labels: ["A", "B", "C"], iterations: ["10", "2", "1"],
                                          layers: ["3", "7", "11"], zeroLayers: ["2": ["3"]])
        var batch = try BatchResult(folder: folder)
        #expect(batch.iterations.map(\.name) == ["1", "2", "10"])
        #expect(batch.layers == ["3", "7", "11"])
        #expect(batch.isLinear(iteration: "2", layer: "3") == false)
        #expect(batch.isLinear(iteration: "2", layer: "7") == true)
        #expect(!batch.linearityFromSummary)

        try temporary.write("batch/summary.json", """
        {"mode":"batch_probing","iterations":["1","2","10"],"layers":["3","7","11"],
         "linear":{"1":{"3":true,"7":false,"11":true},"2":{"3":false,"7":true,"11":true}},"clusters":4}
        """)
        batch = try BatchResult(folder: folder)
        #expect(batch.linearityFromSummary)
        #expect(batch.isLinear(iteration: "1", layer: "7") == false)
        // Not in summary.json: inferred from the values.
        #expect(batch.isLinear(iteration: "10", layer: "7") == true)

        guard let (_, page) = renderAndParse(try Report(resultFolders: [folder], options: ReportOptions(layersAcrossIterations: ["11", "nope"]))) else { return }
        let grid = try #require(plots(page, kind: "linearity").first)
        #expect(grid.all("rect", class: "cell").count == 9)
        #expect(grid.all("rect", class: "cell").filter { $0.attributes["data-linear"] == "not-linear" }.count == 2)
        #expect(page.all("figcaption").contains { $0.allText.contains("4 clusters") })
        let across = plots(page, kind: "iterations")
        #expect(across.count == 1)
        #expect(across.first?.all("path", class: "series").count == 3)
        let layerPlots = plots(page, kind: "layers")
        #expect(layerPlots.map { $0.all("g", class: "gap-band").count } == [1, 1, 0])
    }

    @Test func manyLabelsGetOneLinePerLabelAndALegendInColumns() throws {
        let temporary = try TemporaryFolder()
        defer { temporary.remove() }
        let labels = Self.awkwardLabels
        let folder = try writeBatchFolder(in: temporary, name: "batch", labels: labels, iterations: ["0", "1"],
                                          layers: (1...12).map(String.init), zeroLayers: ["0": ["1", "2"]])
        guard let (html, page) = renderAndParse(try Report(resultFolders: [folder])) else { return }
        #expect(!html.contains("a<b"))
        for plot in plots(page, kind: "layers") + plots(page, kind: "iterations") {
            #expect(plot.all("path", class: "series").count == labels.count)
            let entries = plot.all("g", class: "legend-entry")
            #expect(entries.count == labels.count)
            let columns = Set(entries.compactMap { $0.all("text").first?.attributes["x"] })
            #expect(columns.count >= 2)
        }
        let first = try #require(plots(page, kind: "layers").first)
        #expect(first.all("circle", class: "point").count == labels.count * 10)
        #expect(first.all("g", class: "gap-band").count == 2)
    }

    @Test func writeStoresTheSamePage() throws {
        let temporary = try TemporaryFolder()
        defer { temporary.remove() }
        let folder = try writeRunFolder(in: temporary, name: "run", labels: ["A", "B"]) { _, _ in 1 }
        let report = try Report(resultFolders: [folder], title: "T")
        let output = temporary.folder("report.html")
        try report.write(to: output)
        let written = try String(contentsOfFile: output, encoding: .utf8)
        #expect(written == report.html())
        #expect(written.hasPrefix("<!DOCTYPE html>"))
        #expect(throws: ReportWriteError.self) { try report.write(to: temporary.folder("missing/dir/report.html")) }
    }
}
