// Bytes to String with validation. Loaders must reject invalid UTF-8 with a file and line rather
// than let String(decoding:) quietly replace bytes with U+FFFD.

import Foundation
import TensorCore

enum UTF8Text {
    /// The text, or nil when the bytes are not valid UTF-8.
    ///
    /// String(decoding:) is the standard library's fast path, but it repairs invalid bytes
    /// instead of failing; the result equals the input exactly when the input was valid.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var text = String(decoding: bytes, as: UTF8.self)
        let same = text.withUTF8 { decoded in
            decoded.count == bytes.count && (bytes.isEmpty || memcmp(decoded.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
        }
        return same ? text : nil
    }

    /// The error for invalid bytes: the line (counted from `firstLine`) and byte of the first
    /// invalid sequence.
    static func invalidError(_ bytes: UnsafeBufferPointer<UInt8>, file: String, firstLine: Int) -> InputError {
        let offset = firstInvalidOffset(bytes)
        var line = firstLine
        var column = 1
        for i in 0..<offset {
            if bytes[i] == 0x0A { line += 1; column = 1 } else { column += 1 }
        }
        let shown = bytes[offset..<min(offset + 4, bytes.count)].map { String(format2: $0) }.joined(separator: " ")
        return InputError(file: file, line: line, "invalid UTF-8 at byte \(column) of the line (bytes \(shown))")
    }

    /// The offset of the first byte that does not start a valid UTF-8 sequence (RFC 3629:
    /// no overlongs, no surrogates, nothing above U+10FFFF); bytes.count when all are valid.
    static func firstInvalidOffset(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        var i = 0
        let n = b.count
        func cont(_ j: Int) -> Bool { j < n && b[j] & 0xC0 == 0x80 }
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            if c >= 0xC2 && c <= 0xDF {
                guard cont(i + 1) else { return i }
                i += 2
            } else if c >= 0xE0 && c <= 0xEF {
                guard cont(i + 1), cont(i + 2) else { return i }
                let c1 = b[i + 1]
                if c == 0xE0 && c1 < 0xA0 { return i }      // overlong
                if c == 0xED && c1 >= 0xA0 { return i }     // UTF-16 surrogate
                i += 3
            } else if c >= 0xF0 && c <= 0xF4 {
                guard cont(i + 1), cont(i + 2), cont(i + 3) else { return i }
                let c1 = b[i + 1]
                if c == 0xF0 && c1 < 0x90 { return i }      // overlong
                if c == 0xF4 && c1 >= 0x90 { return i }     // above U+10FFFF
                i += 4
            } else {
                return i
            }
        }
        return n
    }
}

private extension String {
    init(format2 byte: UInt8) {
        let hex = String(byte, radix: 16, uppercase: true)
        self = byte < 16 ? "0x0" + hex : "0x" + hex
    }
}
