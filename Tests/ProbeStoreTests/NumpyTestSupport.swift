import Foundation

/// The bytes of a `.npy` file as numpy's `np.save` writes it: magic, version, header length,
/// the header dict padded with spaces to a multiple of 64 bytes and ended by a newline, data.
func numpyFile(descr: String = "<f4", fortranOrder: Bool = false, shape: [Int], version: UInt8 = 1,
               header: String? = nil, data: [UInt8]) -> [UInt8] {
    let shapeText = "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
    var dict = header ?? "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(shapeText), }"
    let lengthBytes = version == 1 ? 2 : 4
    let unpadded = 8 + lengthBytes + dict.utf8.count + 1
    dict += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
    let length = dict.utf8.count
    for k in 0..<lengthBytes { bytes.append(UInt8((length >> (8 * k)) & 0xFF)) }
    return bytes + Array(dict.utf8) + data
}

/// Little-endian float32 bytes of `values`.
func float32Bytes(_ values: [Float], bigEndian: Bool = false) -> [UInt8] {
    values.flatMap { value -> [UInt8] in
        let bits = bigEndian ? value.bitPattern.bigEndian : value.bitPattern.littleEndian
        return withUnsafeBytes(of: bits) { Array($0) }
    }
}

/// Little-endian float64 bytes of `values`.
func float64Bytes(_ values: [Double], bigEndian: Bool = false) -> [UInt8] {
    values.flatMap { value -> [UInt8] in
        let bits = bigEndian ? value.bitPattern.bigEndian : value.bitPattern.littleEndian
        return withUnsafeBytes(of: bits) { Array($0) }
    }
}

