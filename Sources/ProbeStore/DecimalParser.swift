import Foundation

/// Why a token is not a float32 value.
public enum DecimalTokenProblem: Error, Sendable, Equatable {
    /// Not a decimal number (letters, two signs, a lone dot…).
    case notANumber
    /// `nan`, `inf`, `infinity` in any case: embeddings must be finite.
    case notFinite
    /// A finite decimal that overflows float32.
    case outOfRange
}

/// Converts decimal text to the correctly rounded float32, without allocating.
///
/// Written by hand because parsing is the conversion's bottleneck: Swift's
/// `Float(Substring)` and C's `strtof` run at 40–110 MB/s here, far below what
/// HDF5 writes. The fast paths are exact by construction (Clinger's method):
/// - up to 7 significant digits and a power of ten ≤ 10¹⁰: one float32 multiply
///   or divide of two exactly representable floats, which IEEE rounds correctly;
/// - up to 15 digits and a power ≤ 10²²: the float64 quotient is correctly rounded,
///   and rounding it again to float32 is correct unless it lands exactly on a
///   float32 midpoint, which is detected.
/// Everything else (long mantissas, large exponents, subnormals, midpoints) goes to
/// `strtof`, which glibc and Apple's libc round correctly.
public enum DecimalParser {
    private static let floatPowers: [Float] = (0...10).map { Float(pow(10.0, Double($0))) }
    private static let doublePowers: [Double] = (0...22).map { pow(10.0, Double($0)) }

    /// Parses `bytes[start..<end]` as one decimal number.
    @inline(__always)
    public static func parse(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Result<Float, DecimalTokenProblem> {
        var i = start
        var negative = false
        if i < end, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0          // significant digits accumulated into mantissa
        var droppedDigits = 0   // integer digits beyond 19 (scale up)
        var fractionDigits = 0
        var sawDigit = false
        var inexactTail = false
        var inFraction = false
        // Integer and fraction digits in one loop; the point is checked only off the digit path.
        while i < end {
            let c = bytes[i] &- 48
            if c > 9 {
                if !inFraction, bytes[i] == UInt8(ascii: ".") { inFraction = true; i += 1; continue }
                break
            }
            sawDigit = true
            if digits < 19 {
                if mantissa != 0 || c != 0 { digits += 1 }
                mantissa = mantissa &* 10 &+ UInt64(c)
                if inFraction { fractionDigits += 1 }
            } else if !inFraction {
                droppedDigits += 1
            } else if c != 0 {
                inexactTail = true
            }
            i += 1
        }
        guard sawDigit else { return .failure(classifyNonNumber(bytes, start, end)) }
        var exponent = 0
        if i < end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < end, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
                expNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var sawExpDigit = false
            while i < end {
                let c = bytes[i] &- 48
                if c > 9 { break }
                sawExpDigit = true
                if exponent < 100_000 { exponent = exponent * 10 + Int(c) }
                i += 1
            }
            guard sawExpDigit else { return .failure(.notANumber) }
            if expNegative { exponent = -exponent }
        }
        guard i == end else { return .failure(classifyNonNumber(bytes, start, end)) }

        let power = exponent + droppedDigits - fractionDigits
        if mantissa == 0 { return .success(negative ? -0.0 : 0.0) }
        if !inexactTail && droppedDigits == 0 {
            if digits <= 7 && power >= -10 && power <= 10 {
                let m = Float(mantissa)
                let value = power < 0 ? m / floatPowers[-power] : m * floatPowers[power]
                return .success(negative ? -value : value)
            }
            if digits <= 15 && power >= -22 && power <= 22 {
                let m = Double(mantissa)
                let wide = power < 0 ? m / doublePowers[-power] : m * doublePowers[power]
                // A float32 midpoint has its 29 low float64 mantissa bits equal to 1 followed by 28 zeros.
                let lowBits = wide.bitPattern & ((1 << 29) - 1)
                if lowBits != (1 << 28) && wide >= 0x1p-126 && wide < 0x1p127 {
                    let value = Float(wide)
                    return .success(negative ? -value : value)
                }
            }
        }
        return slowPath(bytes, start, end)
    }

    /// Correctly rounded conversion by the C library for the rare tokens the fast paths refuse.
    private static func slowPath(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Result<Float, DecimalTokenProblem> {
        let length = end - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
            for k in 0..<length { buffer[k] = CChar(bitPattern: bytes[start + k]) }
            buffer[length] = 0
            errno = 0
            let value = strtof(buffer.baseAddress!, nil)
            if !value.isFinite { return .failure(.outOfRange) }
            return .success(value)
        }
    }

    private static func classifyNonNumber(_ bytes: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> DecimalTokenProblem {
        var text = String(decoding: UnsafeBufferPointer(start: bytes + start, count: min(end - start, 16)), as: UTF8.self).lowercased()
        if text.hasPrefix("-") || text.hasPrefix("+") { text.removeFirst() }
        return ["nan", "inf", "infinity"].contains(text) ? .notFinite : .notANumber
    }
}
