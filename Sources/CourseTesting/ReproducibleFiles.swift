// Checking that the files a training run writes reproduce byte for byte: two runs with the same
// seed on the same machine must write the same checkpoints, metrics.json and vocabulary.json.
// Only wall-clock figures (seconds per epoch, tokens per second) may differ; the comparison
// blanks exactly those values, by key, and compares every other byte.
//
// (Across machines the bytes differ anyway: OpenBLAS picks its kernels per processor, and they
// round sums differently. Reproducible here means same machine, same seed.)

import Foundation
import XCTest

/// The keys whose values are wall-clock measurements in the files a training run writes:
/// metrics.json's seconds_per_epoch, tokens_per_second and training_minutes, and in a
/// checkpoint's training state each epoch's seconds and tokensPerSecond and the unfinished
/// epoch's trainSeconds.
public let wallClockKeys = ["seconds_per_epoch", "tokens_per_second", "training_minutes", "seconds", "tokensPerSecond", "trainSeconds"]

/// `text` with the value of every key in `keys` (a number or an array of numbers) replaced by
/// `<wall clock>`. Finds the keys in plain JSON ("seconds": 1.5) and in JSON kept as a string
/// inside JSON, as a checkpoint's metadata is (\"seconds\":1.5).
public func blankingWallClock(_ text: String, keys: [String] = wallClockKeys) -> String {
    let alternatives = keys.map(NSRegularExpression.escapedPattern(for:)).joined(separator: "|")
    let pattern = #"(\\?")("# + alternatives + #")(\\?"\s*:\s*)(\[[^\]]*\]|-?[0-9][0-9.eE+-]*)"#
    guard let regex = try? NSRegularExpression(pattern: pattern) else { return text }
    return regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1$2$3<wall clock>")
}

/// Fails unless two JSON files are identical byte for byte, apart from the values of `wallClockKeys`.
public func assertSameJSONApartFromWallClock(_ path: String, _ otherPath: String,
                                             file: StaticString = #filePath, line: UInt = #line) throws {
    let a = try String(contentsOfFile: path, encoding: .utf8), b = try String(contentsOfFile: otherPath, encoding: .utf8)
    assertSameText(blankingWallClock(a), blankingWallClock(b), "\(path) and \(otherPath) (wall-clock values blanked)", file: file, line: line)
}

/// Fails unless two checkpoint files (Sources/Training/Checkpoint.swift's layout) hold the same
/// magic and version, the same header apart from the values of `wallClockKeys` in the training
/// state, and the same tensor bytes. The header's length and the final CRC-32 follow from the
/// header's text, so they differ exactly when a wall-clock value has more or fewer digits.
public func assertSameCheckpointApartFromWallClock(_ path: String, _ otherPath: String,
                                                   file: StaticString = #filePath, line: UInt = #line) throws {
    let a = try CheckpointBytes(path), b = try CheckpointBytes(otherPath)
    XCTAssertEqual(a.preamble, b.preamble, "\(path) and \(otherPath): magic and version", file: file, line: line)
    assertSameText(blankingWallClock(a.header), blankingWallClock(b.header),
                   "\(path) and \(otherPath): header (wall-clock values blanked)", file: file, line: line)
    XCTAssertEqual(a.payload.count, b.payload.count, "\(path) and \(otherPath): tensor bytes", file: file, line: line)
    if let i = a.payload.indices.first(where: { $0 < b.payload.count && a.payload[$0] != b.payload[$0] }) {
        XCTFail("\(path) and \(otherPath): the tensors differ, first at payload byte \(i) of \(a.payload.count)", file: file, line: line)
    }
}

/// A checkpoint file cut into its parts: magic and version, the JSON header, the tensor bytes.
public struct CheckpointBytes {
    public var preamble: [UInt8]
    public var header: String
    public var payload: [UInt8]

    public init(_ path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: path])
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 24 else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path]) }
        let headerLength = (0..<8).reduce(0) { $0 | Int(bytes[12 + $1]) << (8 * $1) }
        guard headerLength <= bytes.count - 24 else { throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path]) }
        preamble = Array(bytes[0..<12])
        header = String(decoding: bytes[20..<(20 + headerLength)], as: UTF8.self)
        payload = Array(bytes[(20 + headerLength)..<(bytes.count - 4)])
    }
}

/// Where the keys of a JSON object first come out of order ("\"b\" after \"c\""), or nil when
/// every object's keys are sorted. A JSON text kept inside a string is not looked into.
public func firstUnsortedKey(inJSON text: String) -> String? {
    let bytes = Array(text.utf8)
    // Per open object or array: whether it is an object, its last key, whether a key comes next.
    var open: [(isObject: Bool, lastKey: String?, keyNext: Bool)] = []
    var i = 0
    while i < bytes.count {
        switch bytes[i] {
        case UInt8(ascii: "{"): open.append((true, nil, true))
        case UInt8(ascii: "["): open.append((false, nil, false))
        case UInt8(ascii: "}"), UInt8(ascii: "]"): if !open.isEmpty { open.removeLast() }
        case UInt8(ascii: ","): if open.last?.isObject == true { open[open.count - 1].keyNext = true }
        case UInt8(ascii: "\""):
            var j = i + 1
            while j < bytes.count && bytes[j] != UInt8(ascii: "\"") { j += bytes[j] == UInt8(ascii: "\\") ? 2 : 1 }
            let string = String(decoding: bytes[(i + 1)..<min(j, bytes.count)], as: UTF8.self)
            if let top = open.last, top.isObject, top.keyNext {
                if let last = top.lastKey, !(last < string) { return "\"\(string)\" after \"\(last)\"" }
                open[open.count - 1].lastKey = string
                open[open.count - 1].keyNext = false
            }
            i = j
        default: break
        }
        i += 1
    }
    return nil
}

/// Fails when the keys of some object in the JSON text are not sorted.
public func assertKeysSorted(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
    if let problem = firstUnsortedKey(inJSON: text) {
        XCTFail("\(name): keys are not sorted (\(problem)); write it with .sortedKeys", file: file, line: line)
    }
}

/// Fails unless two texts are equal; the message shows both from a little before the first
/// difference (a checkpoint's header is one long line).
private func assertSameText(_ a: String, _ b: String, _ name: String, file: StaticString, line: UInt) {
    guard a != b else { return }
    let (ca, cb) = (Array(a), Array(b))
    let first = zip(ca, cb).prefix { $0 == $1 }.count
    let start = max(0, first - 60)
    func excerpt(_ c: [Character]) -> String { String(c[start..<min(c.count, first + 100)]) }
    XCTFail("\(name) differ at character \(first):\n  ...\(excerpt(ca))\n  ...\(excerpt(cb))", file: file, line: line)
}
