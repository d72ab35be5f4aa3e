// libFuzzer target: the decimal parser (Sources/ProbeStore/DecimalParser.swift).
// Property: never crashes, and every token it accepts is parsed to the same float32 bits
// as Swift's correctly rounded `Float(String)` (where that accepts the token too).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecimal(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let result = DecimalParser.parse(data, 0, size)
    if case .success(let value) = result {
        let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
        if let reference = Float(text), reference.bitPattern != value.bitPattern, !(reference.isZero && value.isZero && reference.sign == value.sign) {
            fatalError("DecimalParser.parse(\(text.debugDescription)) = \(value) but Float(_:) = \(reference)")
        }
        if !value.isFinite { fatalError("DecimalParser accepted a non-finite value for \(text.debugDescription)") }
    }
    return 0
}
