// libFuzzer target: the .npy header reader (Sources/ProbeStore/NumpyHeader.swift).
// Property: never crashes or traps; a header it accepts has a data offset inside a sane range
// past its magic and length fields, and its 2-D float layout (when it has one) has
// non-negative rows and columns and a data size that does not overflow.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNumpyHeader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    guard let header = try? NumpyHeader.parse(bytes) else { return 0 }
    if header.dataOffset < 10 || header.shape.contains(where: { $0 < 0 }) {
        fatalError("NumpyHeader.parse accepted offset \(header.dataOffset), shape \(header.shape)")
    }
    if let layout = try? header.matrixLayout() {
        if layout.rows < 0 || layout.columns < 0 { fatalError("negative layout \(layout.rows) x \(layout.columns)") }
        let (product, overflow) = layout.rows.multipliedReportingOverflow(by: layout.columns)
        if !overflow { _ = product.multipliedReportingOverflow(by: layout.elementBytes) }
    }
    return 0
}
