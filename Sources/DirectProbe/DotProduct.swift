/// A float32 dot product with eight independent SIMD accumulators.
@inline(__always)
func dotProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
    var acc0 = SIMD8<Float>(), acc1 = SIMD8<Float>()
    var k = 0
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    while k + 16 <= count {
        acc0 += ra.loadUnaligned(fromByteOffset: k * 4, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: k * 4, as: SIMD8<Float>.self)
        acc1 += ra.loadUnaligned(fromByteOffset: (k + 8) * 4, as: SIMD8<Float>.self) * rb.loadUnaligned(fromByteOffset: (k + 8) * 4, as: SIMD8<Float>.self)
        k += 16
    }
    var sum = (acc0 + acc1).sum()
    while k < count {
        sum += a[k] * b[k]
        k += 1
    }
    return sum
}
