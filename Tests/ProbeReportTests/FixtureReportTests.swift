import Foundation
import Testing
import ProbeReport

/// Reports over the reference's own outputs (copies under `Tests/DirectProbeTests/Fixtures/cases`).
@Suite struct FixtureReportTests {
    @Test func singleRunHasOneBarPerLabelAndMeasureAndAFullHeatMap() throws {
        let folder = fixture("ss-small-l6/expected")
        let run = try RunResult(folder: folder)
        #expect(run.labels.count == 22)
        #expect(run.labels.first == "adj.all")
        #expect(run.pairDistances.count == 22 * 21 / 2)
        #expect(run.pointCount == 1500)
        #expect(run.logFacts.finalClusters == 22)
        #expect(run.logFacts.linear == true)
        #expect(run.summaryMeasures.source == .log)
        #expect(abs((run.summaryMeasures.insideMaxOverOutsideMin ?? 0) - 22.577842159871608) < 1e-12)

        guard let (_, page) = renderAndParse(try Report(resultFolders: [folder])) else { return }
        let bars = plots(page, kind: "bars")
        #expect(bars.count == 1)
        let rects = bars.first.map { $0.all("rect", class: "bar") } ?? []
        #expect(rects.count == 3 * 22)
        // A bar carries the file's value and says so in its tooltip.
        let adjAll = rects.first { $0.attributes["data-label"] == "adj.all" && $0.attributes["data-measure"] == "outside min" }
        #expect(adjAll?.attributes["data-value"] == "0.2858")
        #expect(adjAll?.tooltip?.contains("0.2858") == true)

        let heat = plots(page, kind: "heatmap")
        #expect(heat.count == 1)
        let cells = heat.first.map { $0.all("rect", class: "cell") } ?? []
        #expect(cells.count == 22 * 22)
        #expect(cells.filter { $0.classes.contains("diagonal") }.count == 22)
        // The matrix is symmetric and holds vec.txt's values.
        func cell(_ row: String, _ column: String) -> XMLNode? {
            cells.first { $0.attributes["data-row"] == row && $0.attributes["data-column"] == column }
        }
        #expect(cell("adj.all", "adj.pert")?.attributes["data-value"] == "0.5709")
        #expect(cell("adj.pert", "adj.all")?.attributes["data-value"] == "0.5709")
        #expect(cell("adj.pert", "adj.all")?.tooltip?.contains("0.5709") == true)
        // The colour legend is a gradient defined in the same plot.
        #expect(heat.first?.all("linearGradient").count == 1)
    }

    @Test func batchFolderDrawsOneLinePerLabelAndMarksNonSeparableLayers() throws {
        let folder = fixture("syn-batch/expected")
        let batch = try BatchResult(folder: folder)
        #expect(batch.iterations.map(\.name) == ["0", "1", "2"])
        #expect(batch.layers == (1...12).map(String.init))
        #expect(batch.labels == ["L00", "L01", "L02", "L03"])
        #expect(batch.isLinear(iteration: "0", layer: "1") == false)
        #expect(batch.isLinear(iteration: "0", layer: "3") == false)
        #expect(batch.isLinear(iteration: "0", layer: "2") == true)
        #expect(batch.isLinear(iteration: "1", layer: "1") == true)

        guard let (_, page) = renderAndParse(try Report(resultFolders: [folder])) else { return }
        let perIteration = plots(page, kind: "layers")
        #expect(perIteration.count == 3)
        for plot in perIteration {
            let series = plot.all("path", class: "series")
            #expect(series.count == 4)
            #expect(Set(series.compactMap { $0.attributes["data-series"] }) == ["L00", "L01", "L02", "L03"])
        }
        // Iteration 0: layers 1 and 3 are gaps (shaded bands), so 10 points per label.
        let first = try #require(perIteration.first)
        #expect(first.all("circle", class: "point").count == 4 * 10)
        #expect(first.all("g", class: "gap-band").compactMap { $0.attributes["data-x"] } == ["1", "3"])
        // The gap splits each line: a new sub-path starts after layer 3.
        let l00 = first.all("path", class: "series").first { $0.attributes["data-series"] == "L00" }
        #expect(l00?.attributes["d"]?.filter { $0 == "M" }.count == 2)
        #expect(perIteration[1].all("circle", class: "point").count == 4 * 12)

        // Across iterations: the last layer and three others, one line per label each.
        let acrossIterations = plots(page, kind: "iterations")
        #expect(acrossIterations.count == 4)
        #expect(acrossIterations.allSatisfy { $0.all("path", class: "series").count == 4 })
        #expect(acrossIterations.map { $0.tooltip ?? "" }.map { String($0.prefix(8)) } == ["Layer 1:", "Layer 5:", "Layer 9:", "Layer 12"])

        // Mean pair distance per iteration: iteration 1, layer 1 is the mean of batch_vec/1.txt's first column.
        let meanPair = try #require(plots(page, kind: "mean-pair").first)
        #expect(meanPair.all("path", class: "series").count == 3)
        let expected = (0.3650 + 0.6316 + 0.1980 + 1.0335 + 0.4049 + 0.5446) / 6
        let point = meanPair.all("circle", class: "point").first {
            $0.attributes["data-series"] == "iteration 1" && $0.attributes["data-x"] == "1"
        }
        #expect(point?.attributes["data-value"] == String(format: "%.4f", expected))
        #expect(meanPair.all("path", class: "gap").count == 2)

        // Linearity grid: 3 × 12 cells, exactly the two all-zero layers of iteration 0 not linear.
        let grid = try #require(plots(page, kind: "linearity").first)
        let cells = grid.all("rect", class: "cell")
        #expect(cells.count == 36)
        let notLinear = cells.filter { $0.attributes["data-linear"] == "not-linear" }
        #expect(notLinear.map { "\($0.attributes["data-iteration"] ?? "")/\($0.attributes["data-layer"] ?? "")" } == ["0/1", "0/3"])
        #expect(page.all("figcaption").contains { $0.allText.contains("not linearly separable") })
    }

    @Test func everyFixtureTogetherMakesOneWellFormedPageWithAContentsTable() throws {
        let folders = ["ss-small-l6", "syn-linear", "syn-tangled", "syn-lowdim", "syn-batch"].map { fixture("\($0)/expected") }
        guard let (_, page) = renderAndParse(try Report(resultFolders: folders, title: "All <fixtures> & more")) else { return }
        #expect(page.name == "html")
        #expect(page.all("title").first?.allText == "All <fixtures> & more")
        let sections = page.all("section", class: "folder")
        #expect(sections.count == folders.count)
        let toc = try #require(page.all("nav").first)
        let topEntries = toc.all("ol").first?.children.filter { $0.name == "li" } ?? []
        #expect(topEntries.count == folders.count)
        // Ids are unique, and every link of the contents lands on one.
        let ids = page.descendants.compactMap { $0.attributes["id"] }
        #expect(Set(ids).count == ids.count)
        let links = toc.all("a").compactMap { $0.attributes["href"] }
        #expect(!links.isEmpty)
        #expect(links.allSatisfy { $0.hasPrefix("#") && ids.contains(String($0.dropFirst())) })
        // Every plot has a title and data marks, each mark with a tooltip.
        let svgs = page.all("svg")
        #expect(svgs.count == 4 * 2 + 1 + 1 + 3 + 4)
        for svg in svgs {
            #expect(svg.tooltip?.isEmpty == false)
            let dataMarks = marks(svg)
            #expect(!dataMarks.isEmpty, "plot \(svg.attributes["id"] ?? "?") has no data marks")
            #expect(dataMarks.allSatisfy { $0.tooltip?.isEmpty == false })
        }
        // No scripts, no external resources.
        #expect(page.all("script").isEmpty)
        #expect(page.all("link").isEmpty)
        #expect(page.descendants.allSatisfy { node in
            ["href", "src"].allSatisfy { node.attributes[$0].map { $0.hasPrefix("#") } ?? true }
        })
    }
}
