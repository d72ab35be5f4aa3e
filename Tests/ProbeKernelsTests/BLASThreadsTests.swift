import Dispatch
import Testing

@testable import ProbeKernels

@Suite("OpenBLAS threads held to one inside callers' parallel loops")
struct BLASThreadsTests {
    @Test("one thread inside, nested and from several threads at once; the count restored after")
    func heldAndRestored() {
        let before = BLASThreads.current
        let inside = BLASThreads.singleThreaded { () -> [Int] in
            var seen = [BLASThreads.current]
            seen.append(BLASThreads.singleThreaded { BLASThreads.current })
            // Still one after the nested holder left.
            seen.append(BLASThreads.current)
            return seen
        }
        #expect(inside == [1, 1, 1])
        #expect(BLASThreads.current == before)
        // Holders on several threads at once.
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            BLASThreads.singleThreaded { #expect(BLASThreads.current == 1) }
        }
        #expect(BLASThreads.current == before)
    }

    @Test("inside a holder a product gives the same bits on every call and every thread")
    func sameProductInsideHolders() {
        let m = 300, n = 200, k = 64
        let a = (0..<(m * k)).map { Float(($0 * 7919) % 1000) / 997 - 0.5 }
        let b = (0..<(n * k)).map { Float(($0 * 104_729) % 1000) / 991 - 0.5 }
        @Sendable func product() -> [UInt32] {
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
        let first = BLASThreads.singleThreaded { product() }
        #expect(first.contains { $0 != 0 })
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            let again = BLASThreads.singleThreaded { product() }
            #expect(again == first)
        }
    }
}
