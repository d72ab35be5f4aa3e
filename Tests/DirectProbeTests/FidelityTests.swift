import Foundation
import ProbeConfig
import Testing
@testable import DirectProbe

/// One shared case: where its inputs are and what the reference concluded.
struct ReferenceCase: CustomTestStringConvertible, Sendable {
    let name: String
    let dataFolder: URL
    let embeddings: String      // relative to dataFolder
    let expected: String        // folder of the reference's outputs, relative to the case
    let linear: Bool
    let clusterCount: Int
    var testDescription: String { name }
}

@Suite("Fidelity to the reference on the shared cases")
struct FidelityTests {
    static let cases: [ReferenceCase] = [
        ReferenceCase(name: "syn-linear", dataFolder: casesFolder.appendingPathComponent("syn-linear/data"),
                      embeddings: "embeddings/synthetic/train/0/1.txt", expected: "expected", linear: true, clusterCount: 5),
        ReferenceCase(name: "syn-tangled", dataFolder: casesFolder.appendingPathComponent("syn-tangled/data"),
                      embeddings: "embeddings/synthetic/train/0/1.txt", expected: "expected", linear: false, clusterCount: 5),
        ReferenceCase(name: "syn-lowdim", dataFolder: casesFolder.appendingPathComponent("syn-lowdim/data"),
                      embeddings: "embeddings/synthetic/train/0/1.txt", expected: "expected", linear: false, clusterCount: 43),
        ReferenceCase(name: "syn-batch", dataFolder: casesFolder.appendingPathComponent("syn-batch/data"),
                      embeddings: "embeddings/synthetic/train/2/12.txt", expected: "expected-probe", linear: true, clusterCount: 4),
        // The real task: its inputs are the bundled sample under data/.
        ReferenceCase(name: "ss-small-l6", dataFolder: repositoryRoot.appendingPathComponent("data/ss-small-l6"),
                      embeddings: "embeddings/all-MiniLM-L6-v2/train/0/6.txt", expected: "expected", linear: true, clusterCount: 22),
    ]

    private func configuration(_ reference: ReferenceCase, output: String, mode: String = "probing", clusters: String = "") throws -> ProbeConfiguration {
        let ini = """
        [run]
        output_path = \(output)
        [data]
        common = \(reference.dataFolder.path)
        label_set_path = ${common}/labels/tags.txt
        entities_path = ${common}/entities/train.txt
        embeddings_path = ${common}/\(reference.embeddings)
        [clustering]
        mode = \(mode)
        rate = 0.05
        probing_cluster_path = \(clusters)
        """
        return try ProbeConfiguration(INIFile(parsing: ini))
    }

    private func expectSameNumbers(_ results: String, _ expected: URL) throws {
        for name in ["vec.txt", "outside_min.txt", "inside_mean.txt", "inside_max.txt"] {
            let ours = try readValues((results as NSString).appendingPathComponent(name))
            let theirs = try readValues(expected.appendingPathComponent(name).path)
            #expect(ours.keys.sorted() == theirs.keys.sorted(), "\(name)")
            for (key, value) in theirs {
                let mine = ours[key] ?? .nan
                #expect(abs(mine - value) <= 1e-3, "\(name) \(key): ours \(mine), reference \(value)")
            }
        }
    }

    @Test("probing gives the reference's partition, verdict and numbers", arguments: cases)
    func probing(_ reference: ReferenceCase) throws {
        let folder = TemporaryFolder()
        let outcome = try runQuietly(configuration(reference, output: folder.file("results")))
        let expected = casesFolder.appendingPathComponent("\(reference.name)/\(reference.expected)")
        #expect(outcome.probing?.isLinear == reference.linear)
        #expect(outcome.probing?.clusters.count == reference.clusterCount)
        #expect(try readPartition(folder.file("results/clusters.txt")) == readPartition(expected.appendingPathComponent("clusters.txt").path))
        try expectSameNumbers(folder.file("results"), expected)
        let log = try String(contentsOfFile: folder.file("results/log.txt"), encoding: .utf8)
        #expect(log.contains("Final number of clusters: \(reference.clusterCount)"))
        #expect(log.contains(reference.linear ? "This space is linear!" : "This space is non-linear!"))
    }

    @Test("prediction mode on the reference's clusters gives the reference's numbers")
    func prediction() throws {
        let reference = Self.cases[2]  // syn-lowdim: many clusters, some of 5 points or fewer
        let folder = TemporaryFolder()
        let expected = casesFolder.appendingPathComponent("syn-lowdim/expected")
        let outcome = try runQuietly(configuration(reference, output: folder.file("results"), mode: "prediction",
                                                   clusters: expected.appendingPathComponent("clusters.txt").path))
        #expect(outcome.probing == nil)
        try expectSameNumbers(folder.file("results"), expected)
        #expect(!FileManager.default.fileExists(atPath: folder.file("results/clusters.txt")))
    }

    @Test("the same inputs give the same files whatever the thread count")
    func determinism() throws {
        let reference = Self.cases[2]
        var contents: [[String: Data]] = []
        for threads in [1, 2] {
            let folder = TemporaryFolder()
            _ = try runQuietly(configuration(reference, output: folder.file("results")), threads: threads)
            var files: [String: Data] = [:]
            for name in ["clusters.txt", "vec.txt", "outside_min.txt", "inside_mean.txt", "inside_max.txt"] {
                // A missing or empty file fails here, so that two runs writing nothing cannot compare equal.
                let data = try #require(FileManager.default.contents(atPath: folder.file("results/\(name)")),
                                        "\(name) not written with \(threads) threads")
                #expect(!data.isEmpty, "\(name) is empty with \(threads) threads")
                files[name] = data
            }
            contents.append(files)
        }
        #expect(contents[0].count == 5)
        #expect(contents[0] == contents[1])
    }
}
