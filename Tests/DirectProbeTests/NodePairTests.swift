import Testing
@testable import DirectProbe

@Suite("Node pairs as dictionary keys")
struct NodePairTests {
    @Test("a pair is the same key in either order")
    func unordered() {
        #expect(NodePair(3, 7) == NodePair(7, 3))
        #expect(NodePair(3, 7)._rawHashValue(seed: 12345) == NodePair(7, 3)._rawHashValue(seed: 12345))
        var table: [NodePair: Int] = [NodePair(3, 7): 1]
        table[NodePair(7, 3), default: 0] += 1
        #expect(table == [NodePair(7, 3): 2])
    }

    @Test("the pairs of neighbouring nodes spread over the low bits the tables index by")
    func spread() {
        // 65 536 pairs of nodes 0..<256 into 4 096 buckets by the hash's low 12 bits: ~16 each.
        for seed in [0, 0x5EED, -1] {
            var load = [Int](repeating: 0, count: 4096)
            for i in 0..<256 {
                for j in 256..<512 { load[NodePair(i, j)._rawHashValue(seed: seed) & 4095] += 1 }
            }
            #expect(load.min() ?? 0 >= 1)
            #expect(load.max() ?? .max <= 48)
        }
    }
}
