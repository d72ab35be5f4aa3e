import Foundation
import ProbeConfig
import Testing
@testable import DirectProbe

/// Probing's shortcuts (witness jumps in the search, reused and centroid-difference
/// hyperplanes, inherited forbidden pairs) must not change any result.
@Suite("Shortcuts give byte-identical results")
struct ShortcutTests {
    private func files(_ folder: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for name in ["clusters.txt", "vec.txt", "outside_min.txt", "inside_mean.txt", "inside_max.txt"] {
            out[name] = try String(contentsOfFile: (folder as NSString).appendingPathComponent(name), encoding: .utf8)
        }
        return out
    }

    private func both(_ configuration: ProbeConfiguration) throws -> (fast: ProbeRun.Outcome, plain: ProbeRun.Outcome, same: Bool) {
        var fastConfiguration = configuration, plainConfiguration = configuration
        fastConfiguration.outputPath += "-fast"
        plainConfiguration.outputPath += "-plain"
        var fast = ProbeRun(configuration: fastConfiguration)
        fast.verbose = false
        var plain = ProbeRun(configuration: plainConfiguration)
        plain.verbose = false
        plain.shortcuts = false
        let a = try fast.run(), b = try plain.run()
        return (a, b, try files(fastConfiguration.outputPath) == files(plainConfiguration.outputPath))
    }

    @Test("the shared non-linear cases", arguments: ["syn-tangled", "syn-lowdim"])
    func sharedCases(name: String) throws {
        let folder = TemporaryFolder()
        let ini = """
        [run]
        output_path = \(folder.file("results"))
        [data]
        common = \(casesFolder.appendingPathComponent("\(name)/data").path)
        label_set_path = ${common}/labels/tags.txt
        entities_path = ${common}/entities/train.txt
        embeddings_path = ${common}/embeddings/synthetic/train/0/1.txt
        [clustering]
        mode = probing
        rate = 0.05
        """
        let result = try both(ProbeConfiguration(INIFile(parsing: ini)))
        #expect(result.same)
        #expect(result.fast.probing?.firstErrorState == result.plain.probing?.firstErrorState)
        #expect(result.fast.probing?.isLinear == false)
    }

    @Test("a generated tangled space of 600 points: many forward merges, many rejections")
    func generated() throws {
        var rng = SeededGenerator(seed: 31)
        var points: [[Float]] = [], labels: [String] = []
        // Three labels drawn from interleaved blobs in 4 dimensions: heavily tangled.
        for index in 0..<600 {
            let label = index % 3
            let blob = Int.random(in: 0..<6, using: &rng)
            let centre: [Double] = [Double(blob % 3) * 2, Double(blob / 3) * 2, Double((blob + label) % 2), 0]
            points.append(centre.map { Float($0 + rng.gaussian() * 0.9) })
            labels.append(["p", "q", "r"][label])
        }
        let folder = TemporaryFolder()
        let result = try both(writeTask(in: folder, points: points, labels: labels))
        #expect(result.same)
        #expect(result.fast.probing?.isLinear == false)
        #expect((result.fast.probing?.clusters.count ?? 0) > 10)
        // The shortcuts did their work: fewer solver calls.
        #expect((result.fast.probing?.solverCalls ?? 0) < (result.plain.probing?.solverCalls ?? 0))
    }
}
