// A skip-gram run's checkpoint: both tables and how many chunks are done, written atomically
// (Training's AtomicFile), so a killed run resumes from its last checkpoint and a crash during
// a write leaves the previous one.
//
//   "SGNSCKPT" | version UInt32 | fingerprint length UInt32, UTF-8 | chunksDone UInt64 |
//   V UInt64 | E UInt64 | input V·E Float32 | output V·E Float32 | CRC-32 of all before, UInt32
//
// All little-endian. The fingerprint is the settings' and the corpus's (its size, vocabulary
// and a CRC-32 of its ids): a checkpoint of another run or another corpus is refused.

import Foundation
import TensorCore
import Training

extension SkipGramTrainer {
    static let magic = Array("SGNSCKPT".utf8)
    static let version: UInt32 = 1

    /// The settings, the vocabulary size and the corpus, in one line.
    public var fingerprint: String {
        let crc = corpus.tokens.withUnsafeBytes { CRC32.checksum($0) }
        return settings.fingerprint + " V \(vocabularySize) tokens \(corpus.tokenCount) reviews \(corpus.reviewCount) ids-crc \(crc)"
    }

    /// Writes the checkpoint atomically.
    public func save(to path: String) throws {
        var data = Data(SkipGramTrainer.magic)
        func append<I: FixedWidthInteger>(_ value: I) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        append(SkipGramTrainer.version)
        let text = Array(fingerprint.utf8)
        append(UInt32(text.count))
        data.append(contentsOf: text)
        append(UInt64(chunksDone))
        append(UInt64(vocabularySize))
        append(UInt64(settings.dimension))
        for table in [input, output] {
            for x in table.scalars { append(x.bitPattern) }
        }
        let crc = data.withUnsafeBytes { CRC32.checksum($0) }
        append(crc)
        try AtomicFile.write(data, to: path)
    }

    /// Loads a checkpoint written by this run (same fingerprint): tables and chunks done.
    /// - Throws: InputError for a file that is damaged, of another format, or of another run.
    public mutating func resume(from path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw InputError(file: path, "cannot read the checkpoint") }
        let bytes = [UInt8](data)
        guard bytes.count >= SkipGramTrainer.magic.count + 8, Array(bytes.prefix(8)) == SkipGramTrainer.magic else {
            throw InputError(file: path, "not a skip-gram checkpoint")
        }
        let stored = bytes.suffix(4).withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
        let crc = bytes.dropLast(4).withUnsafeBytes { CRC32.checksum($0) }
        guard stored == crc else { throw InputError(file: path, "the checkpoint is damaged (CRC-32 mismatch)") }
        var offset = 8
        func read<I: FixedWidthInteger>(_: I.Type) throws -> I {
            guard offset + MemoryLayout<I>.size <= bytes.count - 4 else { throw InputError(file: path, "the checkpoint is truncated") }
            let value = bytes[offset..<(offset + MemoryLayout<I>.size)].withUnsafeBytes { I(littleEndian: $0.loadUnaligned(as: I.self)) }
            offset += MemoryLayout<I>.size
            return value
        }
        guard try read(UInt32.self) == SkipGramTrainer.version else { throw InputError(file: path, "unknown checkpoint version") }
        let length = Int(try read(UInt32.self))
        guard offset + length <= bytes.count - 4 else { throw InputError(file: path, "the checkpoint is truncated") }
        let theirs = String(decoding: bytes[offset..<(offset + length)], as: UTF8.self)
        offset += length
        guard theirs == fingerprint else {
            throw InputError(file: path, "the checkpoint belongs to another run:\n  it: \(theirs)\n  this run: \(fingerprint)")
        }
        let done = Int(try read(UInt64.self))
        let rows = Int(try read(UInt64.self)), width = Int(try read(UInt64.self))
        guard rows == vocabularySize, width == settings.dimension, done <= totalChunks,
              bytes.count - 4 - offset == 2 * rows * width * 4 else {
            throw InputError(file: path, "the checkpoint's tables do not fit this run")
        }
        var tables: [[Float]] = []
        for _ in 0..<2 {
            var values = [Float](repeating: 0, count: rows * width)
            for i in 0..<values.count { values[i] = Float(bitPattern: try read(UInt32.self)) }
            tables.append(values)
        }
        input = Tensor(shape: [rows, width], scalars: tables[0])
        output = Tensor(shape: [rows, width], scalars: tables[1])
        chunksDone = done
    }
}
