import Foundation
import ProbeConfig
import ProbeGeometry
import ProbeStore
import Testing
@testable import DirectProbe

@Suite("Test-set prediction against DirectProbe's outputs")
struct PredictionFidelityTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let data: URL
        let train: String
        let test: String
        let accuracy: Double
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "syn-linear", data: casesFolder.appendingPathComponent("syn-linear/data"),
             train: "embeddings/synthetic/train/0/1.txt", test: "embeddings/synthetic/test/0/1.txt", accuracy: 1.0),
        Case(name: "syn-tangled", data: casesFolder.appendingPathComponent("syn-tangled/data"),
             train: "embeddings/synthetic/train/0/1.txt", test: "embeddings/synthetic/test/0/1.txt", accuracy: 1.0),
        Case(name: "syn-lowdim", data: casesFolder.appendingPathComponent("syn-lowdim/data"),
             train: "embeddings/synthetic/train/0/1.txt", test: "embeddings/synthetic/test/0/1.txt", accuracy: 0.59),
    ]

    /// Cluster number → member set, from a clusters.txt.
    private func clusterSets(_ path: String) throws -> [Int: [Int]] {
        var sets: [Int: [Int]] = [:]
        for (i, line) in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").enumerated() {
            sets[Int(line) ?? -1, default: []].append(i)
        }
        return sets
    }

    /// Parses a prediction.txt line into (gold, [(cluster, distance)]).
    private func parse(_ line: Substring) -> (String, [(Int, Double)]) {
        let fields = line.split(separator: "\t")
        let entries = fields.dropFirst().map { field -> (Int, Double) in
            let number = Int(field.prefix { $0 != "-" }) ?? -1
            let distance = Double(field[field.index(after: field.lastIndex(of: ",")!)...]) ?? .nan
            return (number, distance)
        }
        return (String(fields[0]), entries)
    }

    /// The case's configuration, mode probing with its test split, writing to `output`.
    private func configuration(_ reference: Case, output: String) throws -> ProbeConfiguration {
        try ProbeConfiguration(INIFile(parsing: """
        [run]
        output_path = \(output)
        [data]
        common = \(reference.data.path)
        label_set_path = ${common}/labels/tags.txt
        entities_path = ${common}/entities/train.txt
        test_entities_path = ${common}/entities/test.txt
        embeddings_path = ${common}/\(reference.train)
        test_embeddings_path = ${common}/\(reference.test)
        [clustering]
        mode = probing
        rate = 0.05
        """))
    }

    @Test("prediction.txt and dis.txt are the same bytes whatever the thread count")
    func predictionDeterminism() throws {
        let reference = Self.cases[1]
        var contents: [[String: Data]] = []
        for threads in [1, 2] {
            let folder = TemporaryFolder()
            _ = try runQuietly(try configuration(reference, output: folder.file("results")), threads: threads)
            var files: [String: Data] = [:]
            for name in ["prediction.txt", "dis.txt"] {
                let data = try #require(FileManager.default.contents(atPath: folder.file("results/\(name)")))
                #expect(!data.isEmpty, "\(name) is empty with \(threads) threads")
                files[name] = data
            }
            contents.append(files)
        }
        #expect(contents[0].count == 2 && contents[0] == contents[1])
    }

    @Test("accuracy, nearest clusters and cluster order agree; distances agree within 1e-3 or our certificate refutes the reference", arguments: cases)
    func prediction(_ reference: Case) throws {
        let folder = TemporaryFolder()
        let outcome = try runQuietly(try configuration(reference, output: folder.file("results")))
        #expect(outcome.prediction?.accuracy == reference.accuracy)
        let expected = casesFolder.appendingPathComponent("\(reference.name)/expected-directprobe")
        let log = try String(contentsOfFile: folder.file("results/log.txt"), encoding: .utf8)
        let referenceLog = try String(contentsOf: expected.appendingPathComponent("log.txt"), encoding: .utf8)
        let accuracyLine = { (text: String) in text.split(separator: "\n").first { $0.contains("Acc=") }?.split(separator: "=").last }
        #expect(accuracyLine(log) == accuracyLine(referenceLog))

        // Map the reference's cluster numbers to ours through the member sets.
        let ours = try clusterSets(folder.file("results/clusters.txt"))
        let theirs = try clusterSets(expected.appendingPathComponent("clusters.txt").path)
        var toOurs: [Int: Int] = [:]
        for (number, members) in theirs { toOurs[number] = ours.first { $0.value == members }?.key }
        #expect(toOurs.values.count == theirs.count)

        let ourLines = try String(contentsOfFile: folder.file("results/prediction.txt"), encoding: .utf8).split(separator: "\n")
        let theirLines = try String(contentsOf: expected.appendingPathComponent("prediction.txt"), encoding: .utf8).split(separator: "\n")
        #expect(ourLines.count == theirLines.count)

        // Points for certificate checks.
        let matrix = { (path: String, name: String, rows: Int) in
            try EmbeddingInput.open(reference.data.appendingPathComponent(path).path, entityCount: rows, entitiesPath: "entities",
                                    scratchFolder: folder.file("scratch"), name: name, showProgress: false)
        }
        let train = try matrix(reference.train, "train", ours.values.reduce(0) { $0 + $1.count })
        let test = try matrix(reference.test, "test", ourLines.count)
        var refuted = 0
        for (row, (mine, reference)) in zip(ourLines, theirLines).enumerated() {
            let (goldA, a) = parse(mine), (goldB, b) = parse(reference)
            #expect(goldA == goldB)
            #expect(a.map(\.0) == b.map { toOurs[$0.0] ?? -1 }, "test point \(row): another cluster order")
            let distances = Dictionary(uniqueKeysWithValues: a)
            for (number, theirDistance) in b {
                guard let cluster = toOurs[number], let myDistance = distances[cluster] else { continue }
                if abs(myDistance - theirDistance) <= 1e-3 { continue }
                // Disagreement: our separating hyperplane, checked against every point, proves
                // the distance is at least its margin; the reference's value is below it.
                let members = ours[cluster] ?? []
                var hull = [Float](repeating: 0, count: members.count * train.dimension)
                try hull.withUnsafeMutableBufferPointer { try train.gatherRows(members, into: $0) }
                var point = [Float](repeating: 0, count: test.dimension)
                try point.withUnsafeMutableBufferPointer { try test.readRows(row..<(row + 1), into: $0) }
                let hullPoints = PointMatrix(count: members.count, dimension: train.dimension, values: hull)
                let solved = pointDistance(hullPoints, to: point)
                let margin = checkSeparatingHyperplane(solved, a: hullPoints, b: PointMatrix(count: 1, dimension: point.count, values: point))
                #expect(margin > theirDistance + 5e-4, "test point \(row), cluster \(cluster): ours \(myDistance), reference \(theirDistance), certified ≥ \(margin)")
                refuted += 1
            }
        }
        #expect(refuted <= 3)
    }
}
