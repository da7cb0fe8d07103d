// CSV as RFC 4180 defines it, read one record at a time through a fixed buffer: fields
// separated by commas, records by LF or CRLF; a field in double quotes may hold commas,
// newlines and quotes written twice (""). Memory is the buffer plus the current record, so a
// 1.5 GB file is read as easily as a small one.
//
// Every error names the file and the line on which the offending record starts. Entirely
// empty lines are skipped (files often end with one).

import Foundation
import TensorCore

public struct CSVRecord: Sendable, Equatable {
    public var fields: [String]
    /// The 1-based line on which the record starts.
    public var line: Int

    public init(fields: [String], line: Int) {
        self.fields = fields
        self.line = line
    }
}

public final class StreamingCSVReader {
    public let path: String
    // All parsing state lives in one struct so the hot loops touch it without the dynamic
    // exclusivity checks that a class's own stored properties would get.
    private var parser: CSVParser

    public init(path: String, bufferSize: Int = 1 << 20) throws {
        self.path = path
        parser = CSVParser(stream: try ByteStream(path: path, bufferSize: bufferSize))
    }

    /// Bytes read from the file so far (decompressed).
    public var bytesRead: Int { parser.stream.bytesRead }

    /// The line on which the current record starts (1-based).
    public var line: Int { parser.line }

    /// The number of fields of the current record.
    public var fieldCount: Int { parser.fieldEnds.count }

    /// Field `i` of the current record as a String; InputError when it is not valid UTF-8.
    public func field(_ i: Int) throws -> String {
        try withFieldBytes(i) { bytes in
            guard let text = UTF8Text.decode(bytes) else {
                throw UTF8Text.invalidError(bytes, file: path, firstLine: line + newlines(beforeField: i))
            }
            return text
        }
    }

    /// Field `i`'s raw bytes, valid during the call only.
    public func withFieldBytes<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let ends = parser.fieldEnds
        precondition(i >= 0 && i < ends.count, "CSV field \(i) of a record with \(ends.count) fields")
        let from = i == 0 ? 0 : ends[i - 1]
        return try parser.fieldData.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[from..<ends[i]]))
        }
    }

    /// Newlines inside the fields before field i, so an error in a field after a multi-line
    /// field points at the right line.
    private func newlines(beforeField i: Int) -> Int {
        let to = i == 0 ? 0 : parser.fieldEnds[i - 1]
        return parser.fieldData[0..<to].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }

    /// The next record as Strings, or nil at the end of the file.
    public func next() throws -> CSVRecord? {
        guard try nextRecord() else { return nil }
        var fields: [String] = []
        fields.reserveCapacity(fieldCount)
        for i in 0..<fieldCount { fields.append(try field(i)) }
        return CSVRecord(fields: fields, line: line)
    }

    /// Moves to the next record (read it with `fieldCount`, `field(_:)`, `withFieldBytes`).
    /// Returns false at the end of the file.
    public func nextRecord() throws -> Bool {
        try parser.nextRecord()
    }

    /// After a malformed record: drops the rest of the physical line so reading can go on with
    /// the next one (used when bad rows are skipped; a broken quote may still swallow more).
    public func skipRestOfLine() throws {
        try parser.skipRestOfLine()
    }
}

struct CSVParser {
    var stream: ByteStream
    /// The current record's fields, unescaped and concatenated; field i ends at fieldEnds[i].
    var fieldData: [UInt8] = []
    var fieldEnds: [Int] = []
    var nextLineNumber = 1
    var line = 0

    init(stream: ByteStream) {
        self.stream = stream
        fieldData.reserveCapacity(1 << 16)
        fieldEnds.reserveCapacity(16)
    }

    mutating func nextRecord() throws -> Bool {
        while true {
            fieldData.removeAll(keepingCapacity: true)
            fieldEnds.removeAll(keepingCapacity: true)
            line = nextLineNumber
            guard try stream.available > 0 || stream.fill() else { return false }
            if try parseRecord() { return true }
        }
    }

    mutating func skipRestOfLine() throws {
        while true {
            if stream.available == 0, try !stream.fill() { return }
            let base = stream.storage + stream.start
            if let hit = memchr(base, 0x0A, stream.available) {
                stream.start += UnsafeMutableRawPointer(hit) - UnsafeMutableRawPointer(base) + 1
                nextLineNumber += 1
                return
            }
            stream.start = stream.end
        }
    }

    private func malformed(_ message: String, at line: Int) -> InputError {
        InputError(file: stream.path, line: line, "malformed CSV: \(message)")
    }

    /// Parses one record; returns false for an empty line (skipped by the caller).
    private mutating func parseRecord() throws -> Bool {
        let comma: UInt8 = 0x2C, quote: UInt8 = 0x22, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        var fieldStart = true
        var sawAnything = false
        while true {
            // Start of a field: quoted or not.
            if stream.available == 0, try !stream.fill() {
                // End of file ends the last field and record.
                if sawAnything || !fieldEnds.isEmpty { fieldEnds.append(fieldData.count) }
                return sawAnything || !fieldEnds.isEmpty
            }
            if fieldStart && stream.storage[stream.start] == quote {
                stream.start += 1
                sawAnything = true
                try readQuoted()
                // After the closing quote: a separator, a line end or the end of the file.
                if stream.available == 0, try !stream.fill() {
                    fieldEnds.append(fieldData.count)
                    return true
                }
                let c = stream.storage[stream.start]
                if c == comma {
                    stream.start += 1
                    fieldEnds.append(fieldData.count)
                    continue
                }
                if c == lf || c == cr {
                    try consumeLineEnd()
                    fieldEnds.append(fieldData.count)
                    return true
                }
                throw malformed("unexpected character '\(Unicode.Scalar(c))' after a closing quote (a quote inside a quoted field is written \"\")", at: nextLineNumber)
            }
            fieldStart = false
            // Unquoted: copy up to the next special byte.
            let base = stream.storage
            var i = stream.start
            let end = stream.end
            while i < end {
                let c = base[i]
                if c == comma || c == lf || c == cr || c == quote { break }
                i += 1
            }
            if i > stream.start {
                fieldData.append(contentsOf: UnsafeBufferPointer(start: base + stream.start, count: i - stream.start))
                sawAnything = true
            }
            stream.start = i
            if i == end { continue }            // refill and go on with the same field
            let c = base[i]
            if c == comma {
                stream.start += 1
                fieldEnds.append(fieldData.count)
                fieldStart = true
                sawAnything = true
                continue
            }
            if c == quote {
                throw malformed("a quote inside an unquoted field (quote the whole field and write \"\" for a quote)", at: nextLineNumber)
            }
            if c == cr {
                // CRLF ends the record; a lone CR is data.
                stream.start += 1
                if stream.available == 0, try !stream.fill() {
                    fieldEnds.append(fieldData.count)
                    return true
                }
                if stream.storage[stream.start] != lf {
                    fieldData.append(cr)
                    sawAnything = true
                    continue
                }
            }
            // LF (possibly after CR).
            stream.start += 1
            nextLineNumber += 1
            if !sawAnything && fieldEnds.isEmpty { return false }   // an empty line
            fieldEnds.append(fieldData.count)
            return true
        }
    }

    /// Consumes LF or CRLF at the read position (one is known to be there).
    private mutating func consumeLineEnd() throws {
        if stream.storage[stream.start] == 0x0D {
            stream.start += 1
            if stream.available == 0, try !stream.fill() { nextLineNumber += 1; return }
            guard stream.storage[stream.start] == 0x0A else {
                throw malformed("a carriage return after a closing quote that is not followed by a line feed", at: nextLineNumber)
            }
        }
        stream.start += 1
        nextLineNumber += 1
    }

    /// Reads a quoted field's content up to and including its closing quote.
    private mutating func readQuoted() throws {
        let startLine = nextLineNumber
        while true {
            if stream.available == 0, try !stream.fill() {
                throw malformed("a quoted field starting on this line is never closed", at: startLine)
            }
            let base = stream.storage + stream.start
            let count = stream.available
            let hit = memchr(base, 0x22, count)
            let run = hit.map { UnsafeMutablePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? count
            if run > 0 {
                // Line breaks inside quotes are rare: memchr skips to them.
                var from = base
                let stop = base + run
                while let nl = memchr(from, 0x0A, stop - from) {
                    nextLineNumber += 1
                    from = nl.assumingMemoryBound(to: UInt8.self) + 1
                }
                fieldData.append(contentsOf: UnsafeBufferPointer(start: base, count: run))
            }
            stream.start += run
            if hit == nil { continue }
            // At a quote: doubled means a literal quote, single means the end of the field.
            stream.start += 1
            if stream.available == 0, try !stream.fill() { return }
            if stream.storage[stream.start] == 0x22 {
                fieldData.append(0x22)
                stream.start += 1
                continue
            }
            return
        }
    }
}
