/// A problem with the header of a `.npy` file: what is wrong and what to do about it.
public struct NumpyHeaderError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The message, without the file name (the caller adds it).
    public let message: String

    /// Creates an error with a message a user can act on.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// The header of a numpy `.npy` file (format versions 1.0, 2.0 and 3.0).
///
/// The layout (numpy's `numpy.lib.format`): the magic `\x93NUMPY`, a major and a minor
/// version byte, the header's length (2 bytes little-endian in version 1, 4 bytes in 2 and
/// 3), then the header: a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (1500, 384), }`, padded with spaces
/// and ended by a newline (ASCII/latin-1 in versions 1 and 2, UTF-8 in 3). The data follows.
public struct NumpyHeader: Sendable, Equatable {
    /// The format version (1, 2 or 3) and minor version (0).
    public let majorVersion: UInt8, minorVersion: UInt8
    /// The dtype string, e.g. `<f4` (a structured dtype is rejected).
    public let descr: String
    /// Whether the data is stored in column-major (Fortran) order.
    public let fortranOrder: Bool
    /// The array's shape.
    public let shape: [Int]
    /// Bytes from the start of the file to the first data byte.
    public let dataOffset: Int

    /// The magic bytes every `.npy` file starts with.
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
    /// Longest header accepted (numpy itself refuses more than 10 000 bytes by default).
    static let maximumHeaderBytes = 1 << 20

    /// Parses the header from the first bytes of a file (more bytes than the header are
    /// ignored). A pure function: it throws `NumpyHeaderError` on anything malformed and
    /// never traps, whatever the bytes.
    public static func parse(_ bytes: some Collection<UInt8>) throws(NumpyHeaderError) -> NumpyHeader {
        let prefix = Array(bytes.prefix(12))
        guard prefix.count >= 8, Array(prefix[0..<6]) == magic else {
            throw NumpyHeaderError("not a .npy file (it does not start with \\x93NUMPY); write the array with numpy.save")
        }
        let major = prefix[6], minor = prefix[7]
        guard (1...3).contains(major), minor == 0 else {
            throw NumpyHeaderError("unsupported .npy format version \(major).\(minor) (versions 1.0, 2.0 and 3.0 are read); save it again with numpy.save")
        }
        let lengthBytes = major == 1 ? 2 : 4
        guard prefix.count >= 8 + lengthBytes else { throw NumpyHeaderError("the file ends inside the .npy header: it is truncated") }
        var headerLength = 0
        for k in 0..<lengthBytes { headerLength |= Int(prefix[8 + k]) << (8 * k) }
        guard headerLength <= maximumHeaderBytes else {
            throw NumpyHeaderError("the .npy header claims \(headerLength) bytes (more than \(maximumHeaderBytes)): the file is damaged")
        }
        let start = 8 + lengthBytes
        let text = Array(bytes.dropFirst(start).prefix(headerLength))
        guard text.count == headerLength else { throw NumpyHeaderError("the file ends inside the .npy header: it is truncated") }

        var parser = PythonLiteralParser(bytes: text, utf8: major >= 3)
        let value: PythonLiteral
        do {
            value = try parser.parseHeader()
        } catch {
            throw NumpyHeaderError("the .npy header is not a valid dict literal (\(error.message)); save the array again with numpy.save")
        }
        guard case .dict(let entries) = value else {
            throw NumpyHeaderError("the .npy header is not a dict; save the array again with numpy.save")
        }
        func entry(_ key: String) throws(NumpyHeaderError) -> PythonLiteral {
            guard let found = entries.first(where: { $0.key == key }) else {
                throw NumpyHeaderError("the .npy header has no '\(key)' key; save the array again with numpy.save")
            }
            return found.value
        }
        let descr: String
        switch try entry("descr") {
        case .string(let s): descr = s
        default: throw NumpyHeaderError("structured dtypes are not supported: save a plain 2-D float32 or float64 array")
        }
        guard case .bool(let fortran) = try entry("fortran_order") else {
            throw NumpyHeaderError("'fortran_order' in the .npy header is not True or False; save the array again with numpy.save")
        }
        guard case .tuple(let items) = try entry("shape") else {
            throw NumpyHeaderError("'shape' in the .npy header is not a tuple; save the array again with numpy.save")
        }
        var shape: [Int] = []
        for item in items {
            guard case .integer(let n) = item, n >= 0 else {
                throw NumpyHeaderError("'shape' in the .npy header holds something other than non-negative integers")
            }
            shape.append(n)
        }
        return NumpyHeader(majorVersion: major, minorVersion: minor, descr: descr, fortranOrder: fortran, shape: shape,
                           dataOffset: start + headerLength)
    }

    /// The header as a 2-D float matrix (rows × columns, C order, float32 or float64), or an
    /// error saying what is wrong and how to save the array instead.
    public func matrixLayout() throws(NumpyHeaderError) -> NumpyMatrixLayout {
        let element: NumpyMatrixLayout.Element
        let littleEndian: Bool
        switch descr {
        case "<f4": (element, littleEndian) = (.float32, true)
        case ">f4": (element, littleEndian) = (.float32, false)
        case "<f8": (element, littleEndian) = (.float64, true)
        case ">f8": (element, littleEndian) = (.float64, false)
        default:
            throw NumpyHeaderError("dtype '\(descr)' is not supported: save float32 or float64 values (e.g. np.save(path, x.astype(np.float32)))")
        }
        guard !fortranOrder else {
            throw NumpyHeaderError("the array is in Fortran (column-major) order: save it in C order (np.save(path, np.ascontiguousarray(x)))")
        }
        guard shape.count == 2 else {
            let written = "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
            throw NumpyHeaderError("the array has shape \(written): expected a 2-D array of shape (examples, dimension); reshape it before saving")
        }
        guard shape[0] > 0, shape[1] > 0 else {
            throw NumpyHeaderError("the array has shape (\(shape[0]), \(shape[1])): it holds no vectors")
        }
        let size = element == .float32 ? 4 : 8
        let (values, overflow1) = shape[0].multipliedReportingOverflow(by: shape[1])
        let (bytes, overflow2) = values.multipliedReportingOverflow(by: size)
        guard !overflow1, !overflow2, bytes <= Int.max - dataOffset else {
            throw NumpyHeaderError("the array's shape (\(shape[0]), \(shape[1])) is too large to be real: the header is damaged")
        }
        return NumpyMatrixLayout(rows: shape[0], columns: shape[1], element: element, littleEndian: littleEndian, dataOffset: dataOffset)
    }
}

/// Where and how a 2-D float matrix is stored in a `.npy` file.
public struct NumpyMatrixLayout: Sendable, Equatable {
    /// The stored element type.
    public enum Element: Sendable, Equatable { case float32, float64 }
    /// Number of rows (vectors).
    public let rows: Int
    /// Values per row.
    public let columns: Int
    /// The element type.
    public let element: Element
    /// Whether values are little-endian (as `np.save` writes them on x86 and ARM).
    public let littleEndian: Bool
    /// Bytes from the start of the file to the first value.
    public let dataOffset: Int

    /// Bytes per value.
    public var elementBytes: Int { element == .float32 ? 4 : 8 }
    /// Bytes of data: rows × columns × element size.
    public var dataBytes: Int { rows * columns * elementBytes }
}

/// The subset of Python literals a `.npy` header uses.
enum PythonLiteral: Equatable {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([(key: String, value: PythonLiteral)])

    static func == (a: PythonLiteral, b: PythonLiteral) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)): return x == y
        case let (.integer(x), .integer(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.none, .none): return true
        case let (.tuple(x), .tuple(y)), let (.list(x), .list(y)): return x == y
        case let (.dict(x), .dict(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }
}

/// A recursive-descent parser for the dict literal of a `.npy` header, depth-limited so
/// that no input can exhaust the stack.
struct PythonLiteralParser {
    private let bytes: [UInt8]
    private let utf8: Bool
    private var position = 0
    private static let maximumDepth = 32

    init(bytes: [UInt8], utf8: Bool) {
        self.bytes = bytes
        self.utf8 = utf8
    }

    /// Parses one literal followed only by whitespace (the header's padding and newline).
    mutating func parseHeader() throws(NumpyHeaderError) -> PythonLiteral {
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard position == bytes.count else { throw NumpyHeaderError("unexpected text at byte \(position)") }
        return value
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    private mutating func parseValue(depth: Int) throws(NumpyHeaderError) -> PythonLiteral {
        guard depth < Self.maximumDepth else { throw NumpyHeaderError("nested too deeply") }
        skipWhitespace()
        guard position < bytes.count else { throw NumpyHeaderError("unexpected end") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            position += 1
            var entries: [(key: String, value: PythonLiteral)] = []
            while true {
                skipWhitespace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return .dict(entries) }
                guard case .string(let key) = try parseValue(depth: depth + 1) else { throw NumpyHeaderError("a dict key is not a string") }
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw NumpyHeaderError("expected ':' at byte \(position)") }
                position += 1
                entries.append((key, try parseValue(depth: depth + 1)))
                guard try separator(closing: UInt8(ascii: "}")) else { return .dict(entries) }
            }
        case UInt8(ascii: "("), UInt8(ascii: "["):
            let closing = bytes[position] == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "]")
            let isTuple = closing == UInt8(ascii: ")")
            position += 1
            var items: [PythonLiteral] = []
            while true {
                skipWhitespace()
                if position < bytes.count, bytes[position] == closing { position += 1; break }
                items.append(try parseValue(depth: depth + 1))
                guard try separator(closing: closing) else { break }
            }
            return isTuple ? .tuple(items) : .list(items)
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"):
            return .integer(try parseInteger())
        default:
            for (word, value) in [("True", PythonLiteral.bool(true)), ("False", .bool(false)), ("None", .none)] {
                let w = Array(word.utf8)
                if position + w.count <= bytes.count, Array(bytes[position..<(position + w.count)]) == w {
                    position += w.count
                    return value
                }
            }
            throw NumpyHeaderError("unexpected character at byte \(position)")
        }
    }

    /// After an item: consumes `,` (returns true: more may follow) or the closing bracket (false).
    private mutating func separator(closing: UInt8) throws(NumpyHeaderError) -> Bool {
        skipWhitespace()
        guard position < bytes.count else { throw NumpyHeaderError("unexpected end") }
        if bytes[position] == UInt8(ascii: ",") { position += 1; return true }
        if bytes[position] == closing { position += 1; return false }
        throw NumpyHeaderError("expected ',' at byte \(position)")
    }

    private mutating func parseString() throws(NumpyHeaderError) -> String {
        let quote = bytes[position]
        position += 1
        var content: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == quote {
                if utf8 {
                    guard let text = String(validating: content, as: UTF8.self) else { throw NumpyHeaderError("a string is not valid UTF-8") }
                    return text
                }
                return String(String.UnicodeScalarView(content.map { Unicode.Scalar($0) }))  // latin-1
            }
            if byte == UInt8(ascii: "\\") {
                guard position < bytes.count else { break }
                content.append(bytes[position])
                position += 1
            } else {
                content.append(byte)
            }
        }
        throw NumpyHeaderError("a string is not closed")
    }

    private mutating func parseInteger() throws(NumpyHeaderError) -> Int {
        var negative = false
        if bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+") {
            negative = bytes[position] == UInt8(ascii: "-")
            position += 1
        }
        var value = 0
        var digits = 0
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int(bytes[position] - UInt8(ascii: "0")))
            guard !o1, !o2 else { throw NumpyHeaderError("an integer is too large") }
            value = sum
            digits += 1
            position += 1
        }
        guard digits > 0 else { throw NumpyHeaderError("expected digits at byte \(position)") }
        if position < bytes.count, bytes[position] == UInt8(ascii: "L") { position += 1 }  // Python 2 long
        return negative ? -value : value
    }
}
