import ArgumentParser
import ProbeReport

/// The options of `probe report` that shape the page: its title and the layers plotted across iterations.
struct ReportPageOptions: ParsableArguments {
    /// The page title; nil: one made from the folders.
    @Option(help: "Page title.")
    var title: String?

    /// Comma-separated layer names; nil: the report's choice.
    @Option(help: "Layers to plot across iterations, comma-separated (default: first, last and two between).")
    var layers: String?

    /// `--layers` as the report's options: the names trimmed, empty ones dropped.
    var reportOptions: ReportOptions {
        let chosen = layers?.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return ReportOptions(layersAcrossIterations: chosen)
    }
}
