import Foundation
import Testing
@testable import ProbeStore

private func parse(_ text: String) -> Result<Float, DecimalTokenProblem> {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBufferPointer { DecimalParser.parse($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, 0, bytes.count) }
}

private func correctlyRounded(_ text: String) -> Float {
    text.withCString { strtof($0, nil) }
}

@Suite("Decimal parser")
struct DecimalParserTests {
    @Test("plain and exotic decimals parse to the correctly rounded float32",
          arguments: ["0", "-0.0", "0.000000", "1", "-1.385829", "3.14159265358979", "1e-5", "1E+3", ".5", "5.", "+1.5",
                      "123456789012345678901234567890", "0.1", "16777217", "1.0000000596046448", "3.4028235e38",
                      "1.17549435e-38", "1.4e-45", "7e-46", "0.000000000000000000000000000000000000000001",
                      "9.999999e-11", "12345678.9", "-0.438126", "0.00000000001234", "4.7019774e-38"])
    func knownValues(_ text: String) throws {
        let value = try parse(text).get()
        #expect(value.bitPattern == correctlyRounded(text).bitPattern, "\(text)")
    }

    @Test("random decimals of every length match strtof bit for bit")
    func randomDecimals() throws {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<200_000 {
            let magnitude = Double.random(in: -12...12, using: &rng)
            let value = Double.random(in: -1...1, using: &rng) * pow(10, magnitude)
            let digits = Int.random(in: 0...17, using: &rng)
            let text = Bool.random(using: &rng) ? String(format: "%.\(digits)f", value) : String(format: "%.\(digits)e", value)
            let parsed = try parse(text).get()
            #expect(parsed.bitPattern == correctlyRounded(text).bitPattern, "\(text)")
        }
    }

    @Test("float32 midpoints and near-midpoints round correctly")
    func midpoints() throws {
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<20_000 {
            let f = Float(bitPattern: UInt32.random(in: 0x3000_0000...0x4F00_0000, using: &rng))
            let mid = (Double(f) + Double(f.nextUp)) / 2
            for candidate in [mid, mid.nextUp, mid.nextDown] {
                let text = String(format: "%.17g", candidate)
                #expect(try parse(text).get().bitPattern == correctlyRounded(text).bitPattern, "\(text)")
            }
        }
    }

    @Test("non-numbers are rejected", arguments: ["abc", "1.2.3", "1e", "--1", "-", ".", "e5", "1x", "0x10", "1,5", "١"])
    func notNumbers(_ text: String) {
        #expect(throws: DecimalTokenProblem.notANumber) { try parse(text).get() }
    }

    @Test("NaN and infinity are rejected as non-finite", arguments: ["nan", "NaN", "-inf", "Inf", "infinity", "+Infinity"])
    func nonFinite(_ text: String) {
        #expect(throws: DecimalTokenProblem.notFinite) { try parse(text).get() }
    }

    @Test("values beyond float32 are out of range", arguments: ["1e39", "-3.5e38", "1e400"])
    func outOfRange(_ text: String) {
        #expect(throws: DecimalTokenProblem.outOfRange) { try parse(text).get() }
    }
}
