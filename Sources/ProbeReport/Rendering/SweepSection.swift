import Foundation
import ResultSchema

/// The section of a sweep folder: cluster counts, linearity and minimum distances across layers and checkpoints.
struct SweepSection {
    let sweep: SweepResult
    let anchor: String
    let chosenLayers: [String]?

    /// The layers plotted across checkpoints: the chosen ones that exist, else up to four spread over the stack (always the last).
    var layersAcrossIterations: [String] { layersToPlot(sweep.layers, chosen: chosenLayers) }

    var figures: [Figure] {
        [Figure(anchor: anchor + "-summary", title: "Summary"),
         Figure(anchor: anchor + "-clusters-layers", title: "Clusters across layers"),
         Figure(anchor: anchor + "-linearity", title: "Linearity per layer"),
         Figure(anchor: anchor + "-clusters-iterations", title: "Clusters across checkpoints"),
         Figure(anchor: anchor + "-layers", title: "Minimum distance per label across layers")]
    }

    private let missingReason = "no finished result for this space"

    func render(into m: inout Markup) {
        let iterations = sweep.iterations, layers = sweep.layers
        let finished = sweep.summary.spaces ?? []
        m.element("div", [("id", anchor + "-summary"), ("class", "summary")]) { m in
            m.element("h3", text: "Summary")
            var rows: [(String, String)] = [
                ("Checkpoints (iterations)", iterations.joined(separator: ", ")),
                ("Layers", layers.joined(separator: ", ")),
                ("Labels", "\(sweep.labels.count)"),
                ("Spaces finished", "\(finished.count) of \(finished.count + (sweep.summary.missing?.count ?? 0))"),
                ("Linearly separable spaces", "\(finished.filter { $0.linear == true }.count)"),
            ]
            if let missing = sweep.summary.missing, !missing.isEmpty { rows.append(("Missing spaces", missing.joined(separator: ", "))) }
            let setAside = finished.reduce(0) { $0 + ($1.setAside ?? 0) }
            if setAside > 0 { rows.append(("Points set aside (all spaces)", "\(setAside)")) }
            if let created = sweep.summary.created { rows.append(("Created", created)) }
            keyValueTable(rows, into: &m)
        }

        let clusterSeries = iterations.map { iteration in
            LineChart.Series(name: "checkpoint \(iteration)", values: layers.map { layer in sweep.space(iteration, layer)?.clusters.map(Double.init) })
        }
        figure(anchor: anchor + "-clusters-layers", caption: "Number of clusters DirectProbe finds in each layer, one line per checkpoint. "
               + "As many clusters as labels means each label is one convex region; more clusters mean a tangled space.", into: &m) { m in
            LineChart(id: anchor + "-clusters-layers-plot", kind: "sweep-clusters-layers", title: "Clusters across layers",
                      xTitle: "layer", yTitle: "clusters", categories: layers, series: clusterSeries,
                      bands: bands(layers.count) { column in iterations.allSatisfy { sweep.space($0, layers[column]) == nil } },
                      gapReason: missingReason).render(into: &m)
        }

        figure(anchor: anchor + "-linearity", caption: "Whether each space (checkpoint × layer) is linearly separable by label "
               + "(DirectProbe's search ends with one cluster per label).", into: &m) { m in
            LinearityGrid(id: anchor + "-linearity-plot", title: "Linearity per layer", rows: iterations, columns: layers) { iteration, layer in
                sweep.space(iteration, layer)?.linear
            }.render(into: &m)
        }

        let chosen = layersAcrossIterations
        let acrossSeries = chosen.map { layer in
            LineChart.Series(name: "layer \(layer)", values: iterations.map { sweep.space($0, layer)?.clusters.map(Double.init) })
        }
        figure(anchor: anchor + "-clusters-iterations", caption: "Number of clusters across fine-tuning checkpoints for layers "
               + chosen.joined(separator: ", ") + " (choose with --layers).", into: &m) { m in
            LineChart(id: anchor + "-clusters-iterations-plot", kind: "sweep-clusters-iterations", title: "Clusters across checkpoints",
                      xTitle: "checkpoint", yTitle: "clusters", categories: iterations, series: acrossSeries,
                      bands: bands(iterations.count) { column in chosen.allSatisfy { sweep.space(iterations[column], $0) == nil } },
                      gapReason: missingReason).render(into: &m)
        }

        m.element("div", [("id", anchor + "-layers"), ("class", "figure-group")]) { m in
            m.element("h3", text: "Minimum distance per label across layers")
            m.element("div", [("class", "plots")]) { m in
                for (index, iteration) in iterations.enumerated() {
                    let series = sweep.labels.map { label in
                        LineChart.Series(name: label, values: layers.map { sweep.space(iteration, $0)?.outsideMin?[label] })
                    }
                    figure(anchor: anchor + "-layers-\(index)", caption: "Checkpoint \(iteration): outside min (smallest hull distance "
                           + "to another label) per label at each layer, each layer probed on its own.", into: &m) { m in
                        LineChart(id: anchor + "-layers-\(index)-plot", kind: "sweep-layers", title: "Checkpoint \(iteration): minimum distance per label",
                                  xTitle: "layer", yTitle: "outside min", categories: layers, series: series,
                                  bands: bands(layers.count) { sweep.space(iteration, layers[$0]) == nil },
                                  gapReason: missingReason).render(into: &m)
                    }
                }
            }
        }
    }

    private func bands(_ count: Int, missing: (Int) -> Bool) -> [Int: String] {
        Dictionary(uniqueKeysWithValues: (0..<count).filter(missing).map { ($0, missingReason) })
    }
}
