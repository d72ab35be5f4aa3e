import Dispatch
import Synchronization
import Testing

@testable import ProbeKernels

@Suite("OpenBLAS on one thread")
struct BLASThreadsTests {
    /// A 300×200×64 product (a size where OpenBLAS's thread count changes the last bit).
    private static func product() -> [UInt32] {
        let m = 300, n = 200, k = 64
        let a = (0..<(m * k)).map { Float(($0 * 7919) % 1000) / 997 - 0.5 }
        let b = (0..<(n * k)).map { Float(($0 * 104_729) % 1000) / 991 - 0.5 }
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    gemmABt(m: m, n: n, k: k, alpha: 1, a: a.baseAddress!, b: b.baseAddress!, c: c.baseAddress!, ldc: n)
                }
            }
        }
        return c.map(\.bitPattern)
    }

    @Test("a product sets OpenBLAS to one thread, and repeating it from several threads gives the same bits")
    func oneThreadSameBits() {
        let first = Self.product()
        #expect(BLASThreads.current == 1)
        #expect(first.contains { $0 != 0 })
        let results = Mutex<[[UInt32]]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let bits = Self.product()
            results.withLock { $0.append(bits) }
        }
        let all = results.withLock { $0 }
        #expect(all.count == 4 && all.allSatisfy { $0 == first })
        BLASThreads.useOne()
        #expect(BLASThreads.current == 1)
    }
}
