import Testing
@testable import ProbeKernels

@Suite struct PairwiseStatisticsTests {
    @Test(arguments: [0, 1, 2, 3, 7, 8, 17, 64, 101])
    func matchesBruteForce(n: Int) throws {
        let rows = randomRows(max(n, 1), 33, seed: UInt64(n) + 10, offset: 2)
        let set = try PointSet(rows, indices: Array(0..<n))
        for tileSize in [1, 7, 16, 1024] {
            let stats = try DistanceKernel(threadCount: 2, tileSize: tileSize).pairwiseStatistics(of: set)
            let (mean, mx) = naivePairwise(rows, Array(0..<n))
            #expect(stats.pointCount == n)
            #expect(relativeError(stats.mean, mean) < 1e-6, "tile \(tileSize): \(stats.mean) vs \(mean)")
            #expect(relativeError(stats.max, mx) < 1e-12, "tile \(tileSize): \(stats.max) vs \(mx)")
            if n < 2 {
                #expect(stats.mean == 0 && stats.max == 0 && stats.farthestPair == nil)
            } else if let pair = stats.farthestPair {
                #expect(pair.first < pair.second)
                #expect(naiveDistance(rows.row(pair.first), rows.row(pair.second)) == mx)
            }
        }
    }

    @Test func indexSubsetWithRepeats() throws {
        let rows = randomRows(200, 40, seed: 21, offset: -5)
        let indices = [3, 150, 7, 7, 199, 0, 42, 43, 44, 120, 3] + Array(60..<90)
        let stats = try DistanceKernel(threadCount: 2, tileSize: 8).pairwiseStatistics(of: PointSet(rows, indices: indices))
        let (mean, mx) = naivePairwise(rows, indices)
        #expect(relativeError(stats.mean, mean) < 1e-6)
        #expect(relativeError(stats.max, mx) < 1e-12)
    }

    /// Far from the origin, ‖x‖²+‖y‖²−2xy in float32 alone would lose most digits;
    /// the shift by the first block's mean keeps the mean accurate.
    @Test func accurateFarFromOrigin() throws {
        let rows = randomRows(150, 128, seed: 22, offset: 1000, scale: 0.5)
        let all = Array(0..<150)
        let stats = try DistanceKernel(tileSize: 64).pairwiseStatistics(of: PointSet(rows))
        let (mean, mx) = naivePairwise(rows, all)
        #expect(relativeError(stats.mean, mean) < 1e-5)
        #expect(relativeError(stats.max, mx) < 1e-12)
    }

    @Test func duplicatesOnly() throws {
        let one = randomRows(1, 50, seed: 23, offset: 7)
        let rows = try DenseRows(dimension: 50, values: Array([[Float]](repeating: Array(one.values), count: 30).joined()))
        let stats = try DistanceKernel(tileSize: 8).pairwiseStatistics(of: PointSet(rows))
        #expect(stats.mean == 0 && stats.max == 0)
        #expect(stats.farthestPair == PointPair(0, 1))
    }

    @Test func threadCountDoesNotChangeBits() throws {
        let rows = randomRows(300, 64, seed: 24, offset: 1)
        let set = try PointSet(rows)
        let one = try DistanceKernel(threadCount: 1, tileSize: 100).pairwiseStatistics(of: set)
        let two = try DistanceKernel(threadCount: 2, tileSize: 100).pairwiseStatistics(of: set)
        let five = try DistanceKernel(threadCount: 5, tileSize: 100).pairwiseStatistics(of: set)
        #expect(one.mean.bitPattern == two.mean.bitPattern && one.max.bitPattern == two.max.bitPattern)
        #expect(one == two && one == five)
    }
}

@Suite struct NearestNeighbourTests {
    /// 60 random points plus duplicates: row 60 = row 5, row 61 = row 5, row 62 = row 30.
    func pointsWithDuplicates() throws -> DenseRows {
        let base = randomRows(60, 9, seed: 31)
        var values = base.values
        values += base.row(5) + base.row(5) + base.row(30)
        return try DenseRows(dimension: 9, values: values)
    }

    @Test(arguments: [1, 4, 16, 1024])
    func allOthersMatchesBruteForce(tileSize: Int) throws {
        let rows = try pointsWithDuplicates()
        let n = rows.rowCount
        let found = try DistanceKernel(threadCount: 2, tileSize: tileSize).nearestNeighbours(within: PointSet(rows))
        for i in 0..<n {
            let expected = naiveNearest(query: rows.row(i), candidates: rows, indices: Array(0..<n)) { $0 == i }
            #expect(found[i]?.position == expected?.0, "query \(i)")
            #expect(relativeError(found[i]?.distance ?? -1, expected?.1 ?? -2) < 1e-12)
        }
        #expect(found[5]?.position == 60 && found[5]?.distance == 0)
        #expect(found[60]?.position == 5 && found[61]?.position == 5)
        #expect(found[30]?.position == 62 && found[62]?.position == 30)
    }

    @Test(arguments: [1, 5, 16, 1024])
    func laterOnlyMatchesBruteForce(tileSize: Int) throws {
        let rows = try pointsWithDuplicates()
        let n = rows.rowCount
        let found = try DistanceKernel(threadCount: 2, tileSize: tileSize).nearestNeighbours(within: PointSet(rows), scope: .laterOnly)
        for i in 0..<n {
            let expected = naiveNearest(query: rows.row(i), candidates: rows, indices: Array(0..<n)) { $0 <= i }
            #expect(found[i]?.position == expected?.0, "query \(i)")
            if let f = found[i], let e = expected { #expect(relativeError(f.distance, e.1) < 1e-12) }
        }
        #expect(found[n - 1] == nil)
        #expect(found[5]?.position == 60 && found[60]?.position == 61)
    }

    @Test func amongAnotherSetWithTies() throws {
        let candidates = try pointsWithDuplicates()
        let queries = randomRows(25, 9, seed: 32)
        let subset = [61, 3, 60, 5, 10, 11, 12, 62, 30]
        let found = try DistanceKernel(threadCount: 2, tileSize: 4)
            .nearestNeighbours(of: PointSet(queries), among: PointSet(candidates, indices: subset))
        for i in 0..<queries.rowCount {
            let expected = naiveNearest(query: queries.row(i), candidates: candidates, indices: subset) { _ in false }
            #expect(found[i]?.position == expected?.0)
        }
        // A query equal to row 5: candidates 61, 60, 5 (positions 0, 2, 3) all at 0 → position 0.
        let twin = try DenseRows(dimension: 9, values: Array(candidates.row(5)))
        let tie = try DistanceKernel(tileSize: 2).nearestNeighbours(of: PointSet(twin), among: PointSet(candidates, indices: subset))
        #expect(tie[0] == Neighbour(position: 0, distance: 0))
    }

    @Test func edgeCases() throws {
        let one = randomRows(1, 3, seed: 33)
        #expect(try DistanceKernel().nearestNeighbours(within: PointSet(one)) == [nil])
        let empty = try DenseRows(dimension: 3, values: [])
        #expect(try DistanceKernel().nearestNeighbours(of: PointSet(one), among: PointSet(empty)) == [nil])
        #expect(throws: KernelError.self) {
            try DistanceKernel().nearestNeighbours(of: PointSet(one), among: PointSet(randomRows(2, 4, seed: 1)))
        }
        #expect(throws: KernelError.self) { try PointSet(one, indices: [1]) }
    }

    @Test func threadCountDoesNotChangeResult() throws {
        let rows = randomRows(250, 48, seed: 34)
        let set = try PointSet(rows)
        for scope in [NeighbourScope.allOthers, .laterOnly] {
            let one = try DistanceKernel(threadCount: 1, tileSize: 64).nearestNeighbours(within: set, scope: scope)
            let two = try DistanceKernel(threadCount: 2, tileSize: 64).nearestNeighbours(within: set, scope: scope)
            #expect(one == two)
        }
    }
}

@Suite struct DistanceFromPointTests {
    @Test func radiusMatchesNaive() throws {
        let rows = randomRows(77, 21, seed: 41, offset: 4)
        let indices = Array(stride(from: 0, to: 77, by: 3))
        let set = try PointSet(rows, indices: indices)
        let centre = try centroid(of: set, tileSize: 10)
        let radius = try maxDistance(from: centre, to: set, tileSize: 10)
        let centreFloats = centre.map(Float.init)
        var expected = 0.0
        for r in indices {
            var s = 0.0
            for k in 0..<21 { let t = Double(rows.row(r)[r * 21 + k]) - centre[k]; s += t * t }
            expected = max(expected, s.squareRoot())
        }
        #expect(relativeError(radius, expected) < 1e-12)
        let all = try distances(from: centreFloats.map(Double.init), to: set, tileSize: 10)
        #expect(all.count == indices.count)
        for (p, r) in indices.enumerated() {
            #expect(relativeError(all[p], naiveDistance(ArraySlice(centreFloats), rows.row(r))) < 1e-12)
        }
        #expect(try maxDistance(from: centre, to: PointSet(rows, indices: []), tileSize: 10) == 0)
        #expect(throws: KernelError.self) { try maxDistance(from: [Double](repeating: 1, count: 2), to: set, tileSize: 10) }
    }

    @Test func centroidIsTheMean() throws {
        let rows = try DenseRows(rows: [[0, 0], [2, 4], [4, 2]], dimension: 2)
        #expect(try centroid(of: PointSet(rows), tileSize: 1024) == [2, 2])
    }

    // The point-to-set measures the kernel no longer exports, written here as its callers
    // would: tiles read through `PointSet.read`, distances by `directSquaredDistance`.

    /// The distance from `point` to every point of `points`, in order, read `tileSize` points at a time.
    private func distances(from point: [Double], to points: PointSet, tileSize: Int) throws -> [Double] {
        let d = points.dimension
        guard point.count == d else { throw KernelError("distances: point has \(point.count) values, points have dimension \(d)") }
        var out: [Double] = []
        var block = [Float](repeating: 0, count: tileSize * d)
        var start = 0
        while start < points.count {
            let count = min(tileSize, points.count - start)
            try block.withUnsafeMutableBufferPointer { try points.read(start..<(start + count), into: $0) }
            block.withUnsafeBufferPointer { rows in
                point.withUnsafeBufferPointer { centre in
                    for i in 0..<count {
                        out.append(directSquaredDistance(rows.baseAddress! + i * d, centre.baseAddress!, d).squareRoot())
                    }
                }
            }
            start += count
        }
        return out
    }

    /// The largest distance from `centre` to a point of `points`; 0 for an empty set.
    private func maxDistance(from centre: [Double], to points: PointSet, tileSize: Int) throws -> Double {
        try distances(from: centre, to: points, tileSize: tileSize).max() ?? 0
    }

    /// The mean of the points, summed in float64 in point order.
    private func centroid(of points: PointSet, tileSize: Int) throws -> [Double] {
        let d = points.dimension, n = points.count
        var sum = [Double](repeating: 0, count: d)
        guard n > 0 else { return sum }
        var block = [Float](repeating: 0, count: tileSize * d)
        var start = 0
        while start < n {
            let count = min(tileSize, n - start)
            try block.withUnsafeMutableBufferPointer { try points.read(start..<(start + count), into: $0) }
            for i in 0..<count { for k in 0..<d { sum[k] += Double(block[i * d + k]) } }
            start += count
        }
        return sum.map { $0 / Double(n) }
    }
}

@Suite struct RowSourceTests {
    @Test func gatherReadsRunsInOrder() throws {
        let rows = randomRows(10, 3, seed: 51)
        var buffer = [Float](repeating: 0, count: 15)
        try buffer.withUnsafeMutableBufferPointer { try rows.readRows(at: [4, 5, 6, 1, 9], into: $0) }
        #expect(buffer == Array(rows.row(4) + rows.row(5) + rows.row(6) + rows.row(1) + rows.row(9)))
        #expect(throws: KernelError.self) { try DenseRows(dimension: 4, values: [1, 2, 3]) }
        #expect(throws: KernelError.self) { try DenseRows(rows: [[1, 2], [3]], dimension: 2) }
    }
}

/// The tiled nearest-later search only pre-selects candidates: the distances it reports are
/// the direct float64 ones, bit for bit, and ties go to the lowest position.
@Suite struct NearestLaterExactnessTests {
    @Test func tiledAnswersEqualTheDirectSearch() throws {
        let base = randomRows(90, 12, seed: 61)
        // Rows 90 and 91 repeat row 10.
        let rows = try DenseRows(dimension: 12, values: base.values + base.row(10) + base.row(10))
        let found = try DistanceKernel(threadCount: 2, tileSize: 16).nearestNeighbours(within: PointSet(rows), scope: .laterOnly)
        for i in 0..<rows.rowCount {
            var best: Neighbour?
            for j in (i + 1)..<max(i + 1, rows.rowCount) {
                let distance = rows.row(i).withUnsafeBufferPointer { a in
                    rows.row(j).withUnsafeBufferPointer { b in
                        exactSquaredDistance(a.baseAddress!, b.baseAddress!, dimension: 12).squareRoot()
                    }
                }
                if best.map({ distance < $0.distance }) ?? true { best = Neighbour(position: j, distance: distance) }
            }
            #expect(found[i] == best, "slot \(i)")
        }
        #expect(found[10]?.position == 90 && found[90]?.position == 91)
    }
}
