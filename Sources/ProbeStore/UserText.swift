import Foundation

/// Text from inputs and from system libraries, made fit for a one-line message: control
/// characters and invalid UTF-8 escaped (never echoed raw to a terminal), long fragments
/// shortened in the middle so that both ends (a number's exponent) stay visible, and
/// Foundation errors reduced to their POSIX reason instead of "NSCocoaErrorDomain error 512".
public enum UserText {
    /// `bytes` as a quoted fragment: printable UTF-8 as is, anything else as `\xNN`
    /// (`\t`, `\r`, `\n` by name); longer than `limit` characters, the middle becomes `…`
    /// and the length is given.
    public static func quoted(_ bytes: some Collection<UInt8>, limit: Int = 40) -> String {
        let text = escaped(bytes)
        guard text.count > limit else { return "'\(text)'" }
        let head = text.prefix(limit * 2 / 3), tail = text.suffix(limit - head.count)
        return "'\(head)…\(tail)' (\(bytes.count) bytes)"
    }

    /// `quoted` for a string.
    public static func quoted(_ text: String, limit: Int = 40) -> String { quoted(Array(text.utf8), limit: limit) }

    /// The bytes with control characters and invalid UTF-8 escaped.
    public static func escaped(_ bytes: some Collection<UInt8>) -> String {
        let array = Array(bytes)
        var result = ""
        var index = 0
        while index < array.count {
            let lead = array[index]
            let length = lead < 0x80 ? 1 : lead >= 0xC2 && lead < 0xE0 ? 2 : lead >= 0xE0 && lead < 0xF0 ? 3 : lead >= 0xF0 && lead < 0xF5 ? 4 : 0
            if length > 0, index + length <= array.count,
               let text = String(validating: array[index..<(index + length)], as: UTF8.self), let scalar = text.unicodeScalars.first {
                result += describe(scalar)
                index += length
            } else {
                result += String(format: "\\x%02X", lead)
                index += 1
            }
        }
        return result
    }

    /// Whether the start of a file looks binary (a NUL byte), not text.
    public static func looksBinary(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.prefix(4096).contains(0)
    }

    /// The reason of an error for a message: for a Foundation file error, the POSIX reason
    /// ("Permission denied", "Is a directory"); otherwise its description.
    public static func reason(of error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        if nsError.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: nsError.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "No such file or directory"
            case .fileReadNoPermission, .fileWriteNoPermission: return "Permission denied"
            case .fileWriteOutOfSpace: return "No space left on device"
            case .fileWriteVolumeReadOnly: return "Read-only file system"
            case .fileWriteFileExists: return "File exists"
            default: return "the operation failed (\(nsError.code))"
            }
        }
        return "\(error)"
    }

    private static func describe(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\t": return "\\t"
        case "\n": return "\\n"
        case "\r": return "\\r"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                return String(format: "\\x%02X", scalar.value)
            }
            return String(Character(scalar))
        }
    }
}
