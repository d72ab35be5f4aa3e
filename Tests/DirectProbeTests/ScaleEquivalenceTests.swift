import Foundation
import ProbeConfig
import ProbeStore
import Testing
@testable import DirectProbe

/// The out-of-core paths (cluster-ordered scratch copies, compressed stores read by HDF5
/// hyperslabs, memory-mapped stores) must give the very same files as the plain path.
@Suite("Same results whatever the storage path and memory budget")
struct ScaleEquivalenceTests {
    private let data = casesFolder.appendingPathComponent("syn-lowdim/data")
    private let files = ["clusters.txt", "vec.txt", "outside_min.txt", "inside_mean.txt", "inside_max.txt", "prediction.txt", "dis.txt"]

    private func configuration(output: String, train: String, test: String) throws -> ProbeConfiguration {
        let ini = """
        [run]
        output_path = \(output)
        [data]
        label_set_path = \(data.path)/labels/tags.txt
        entities_path = \(data.path)/entities/train.txt
        test_entities_path = \(data.path)/entities/test.txt
        embeddings_path = \(train)
        test_embeddings_path = \(test)
        [clustering]
        mode = probing
        rate = 0.05
        """
        return try ProbeConfiguration(INIFile(parsing: ini))
    }

    private func run(_ configuration: ProbeConfiguration, memory: MemoryBudget?) throws -> [String: String] {
        var job = ProbeRun(configuration: configuration)
        job.verbose = false
        job.memory = memory
        _ = try job.run()
        var contents: [String: String] = [:]
        for name in files {
            contents[name] = try String(contentsOfFile: (configuration.outputPath as NSString).appendingPathComponent(name), encoding: .utf8)
        }
        return contents
    }

    @Test("text input, a compressed store and a tiny memory budget (cluster-ordered copy) agree byte for byte")
    func samePaths() throws {
        let folder = TemporaryFolder()
        let train = data.appendingPathComponent("embeddings/synthetic/train/0/1.txt").path
        let test = data.appendingPathComponent("embeddings/synthetic/test/0/1.txt").path
        let plain = try run(configuration(output: folder.file("plain"), train: train, test: test), memory: nil)

        // A compressed store: read through HDF5 hyperslabs instead of a memory mapping.
        var options = ConversionOptions()
        options.showProgress = false
        options.storage = .compressed(chunkRows: 32, level: 1)
        let task = try TaskDirectory(root: data.path)
        _ = try Converter.convertTask(task, to: folder.file("task.h5"), options: options)
        let store = folder.file("task.h5")
        let compressed = try run(configuration(output: folder.file("compressed"), train: "\(store):synthetic/train/0/1",
                                               test: "\(store):synthetic/test/0/1"), memory: nil)
        #expect(compressed == plain)

        // A budget so small that the points are first copied in cluster order.
        let reordered = try run(configuration(output: folder.file("reordered"), train: train, test: test), memory: MemoryBudget(bytes: 1024))
        #expect(reordered == plain)
        let log = try String(contentsOfFile: folder.file("reordered/log.txt"), encoding: .utf8)
        #expect(log.contains("Copying the points in cluster order"))
    }

    @Test("a permuted copy holds the rows in the asked order")
    func permutedCopy() throws {
        let folder = TemporaryFolder()
        let source = data.appendingPathComponent("embeddings/synthetic/train/0/1.txt").path
        let matrix = try EmbeddingInput.open(source, entityCount: 300, entitiesPath: "entities", scratchFolder: folder.path,
                                             name: "m", showProgress: false)
        var rng = SeededGenerator(seed: 3)
        let order = Array(0..<300).shuffled(using: &rng)
        let copy = try matrix.permutedCopy(order: order, to: folder.file("p.h5"), blockRows: 7)
        var original = [Float](repeating: 0, count: 300 * 3), permuted = original
        try original.withUnsafeMutableBufferPointer { try matrix.gatherRows(order, into: $0) }
        try permuted.withUnsafeMutableBufferPointer { try copy.readRows(0..<300, into: $0) }
        #expect(original == permuted)
        #expect(copy.isMemoryMapped)
    }
}
