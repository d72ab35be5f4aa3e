/// The layers plotted across iterations: the chosen ones that exist, else up to four spread over the stack (always the last).
func layersToPlot(_ layers: [String], chosen: [String]?) -> [String] {
    if let chosen {
        let present = chosen.filter { layers.contains($0) }
        if !present.isEmpty { return present }
    }
    guard layers.count > 4 else { return layers }
    let indices = [0, layers.count / 3, 2 * layers.count / 3, layers.count - 1]
    var seen = Set<Int>()
    return indices.filter { seen.insert($0).inserted }.map { layers[$0] }
}
