// libFuzzer target: the INI reader with extended interpolation (Sources/ProbeConfig).
// Property: parsing, interpolating every key of every section and reading the probe
// configuration never crash or trap (bad input is a thrown error).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzINI(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let file = try? INIFile(parsing: text, path: "fuzz.ini") else { return 0 }
    for section in ["DEFAULT", "run", "data", "clustering"] + file.sectionNames {
        for key in file.keys(in: section) { _ = try? file.value(key, in: section) }
    }
    _ = try? ProbeConfiguration(file)
    return 0
}
