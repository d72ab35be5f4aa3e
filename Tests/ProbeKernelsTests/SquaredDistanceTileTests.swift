import Testing
@testable import ProbeKernels

@Suite struct SquaredDistanceTileTests {
    func tile(_ x: DenseRows, _ y: DenseRows, threads: Int = 1) -> [Float] {
        let d = x.dimension
        var xn = [Float](repeating: 0, count: x.rowCount), yn = [Float](repeating: 0, count: y.rowCount)
        var out = [Float](repeating: .nan, count: x.rowCount * y.rowCount)
        x.values.withUnsafeBufferPointer { xb in
            y.values.withUnsafeBufferPointer { yb in
                xn.withUnsafeMutableBufferPointer { squaredRowNorms(xb, dimension: d, into: $0) }
                yn.withUnsafeMutableBufferPointer { squaredRowNorms(yb, dimension: d, into: $0) }
                xn.withUnsafeBufferPointer { xnb in
                    yn.withUnsafeBufferPointer { ynb in
                        out.withUnsafeMutableBufferPointer {
                            squaredDistances(x: xb, xNorms: xnb, y: yb, yNorms: ynb, dimension: d, into: $0, threadCount: threads)
                        }
                    }
                }
            }
        }
        return out
    }

    @Test(arguments: [(37, 53, 70), (1, 1, 1), (16, 33, 384), (5, 7, 17)])
    func matchesFloat64WithinStatedBound(shape: (Int, Int, Int)) {
        let (m, n, d) = shape
        let x = randomRows(m, d, seed: 1, offset: 3), y = randomRows(n, d, seed: 2, offset: 3)
        let out = tile(x, y)
        let factor = Double(squaredDistanceErrorFactor(dimension: d))
        for i in 0..<m {
            for j in 0..<n {
                let exact = naiveDistance(x.row(i), y.row(j))
                let xn = x.row(i).reduce(0.0) { $0 + Double($1) * Double($1) }
                let yn = y.row(j).reduce(0.0) { $0 + Double($1) * Double($1) }
                #expect(abs(Double(out[i * n + j]) - exact * exact) <= factor * (xn + yn))
            }
        }
    }

    @Test func identicalRowsGiveExactlyZero() throws {
        let base = randomRows(20, 300, seed: 3, offset: 50, scale: 10)
        let both = try DenseRows(dimension: 300, values: base.values + base.values)
        let out = tile(both, both, threads: 2)
        for i in 0..<40 {
            for j in 0..<40 {
                let v = out[i * 40 + j]
                #expect(!v.isNaN && v >= 0)
                if i % 20 == j % 20 { #expect(v == 0) }
            }
        }
    }

    @Test func zeroAndEmptyShapes() throws {
        let z = try DenseRows(dimension: 4, values: [Float](repeating: 0, count: 12))
        #expect(tile(z, z).allSatisfy { $0 == 0 })
        let empty = try DenseRows(dimension: 4, values: [])
        #expect(tile(empty, z).isEmpty)
    }

    @Test func threadCountDoesNotChangeBits() {
        let x = randomRows(130, 64, seed: 4), y = randomRows(90, 64, seed: 5)
        #expect(tile(x, y, threads: 1) == tile(x, y, threads: 2))
        #expect(tile(x, y, threads: 1) == tile(x, y, threads: 7))
    }
}
