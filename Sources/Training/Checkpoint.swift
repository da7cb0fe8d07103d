// A checkpoint: named Float tensors plus a JSON document (the training state), in one binary
// file that says what it is, which version wrote it, and whether it arrived intact.
//
// Layout (version 1), all integers little-endian:
//
//   offset 0   8 bytes   magic "LSTMCKPT"
//          8   4 bytes   format version (UInt32) = 1
//         12   8 bytes   header length H (UInt64)
//         20   H bytes   header, UTF-8 JSON with sorted keys: {"metadata": "<the JSON state as a
//                        string>", "payloadBytes": P, "tensors": [{"name", "shape"}...]}
//     20 + H   P bytes   every tensor's scalars as Float32, in header order, row-major
//  20 + H + P  4 bytes   CRC-32 (zlib's) of every byte before it
//
// A reader checks the magic, the version, the length (truncation), then the checksum
// (corruption), and refuses the file with a message that names it and says which check failed.
// Files are written atomically (AtomicFile), so a run killed mid-write leaves the old file.

import Foundation
import TensorCore

public struct Checkpoint: Sendable {
    public static let magic: [UInt8] = Array("LSTMCKPT".utf8)
    public static let formatVersion: UInt32 = 1

    /// The tensors in the order they were added (the order they are stored in).
    public var tensors: [(name: String, tensor: Tensor<Float>)]
    /// A JSON document (UTF-8): the training state, the model's configuration...
    public var metadata: Data

    public init(tensors: [(name: String, tensor: Tensor<Float>)] = [], metadata: Data = Data("{}".utf8)) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// A checkpoint whose metadata is `value` encoded as JSON.
    public init<M: Encodable>(tensors: [(name: String, tensor: Tensor<Float>)], metadata value: M) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        self.init(tensors: tensors, metadata: try encoder.encode(value))
    }

    public var names: [String] { tensors.map(\.name) }

    /// The tensor called `name`; the error lists the names the checkpoint has.
    public func tensor(_ name: String) throws -> Tensor<Float> {
        guard let t = tensors.first(where: { $0.name == name }) else {
            throw InputError(file: "checkpoint", "no tensor '\(name)'; it has \(names.joined(separator: ", "))")
        }
        return t.tensor
    }

    public func decodeMetadata<M: Decodable>(_ type: M.Type) throws -> M {
        try JSONDecoder().decode(type, from: metadata)
    }

    // MARK: Encoding

    private struct Header: Codable {
        struct Entry: Codable { let name: String; let shape: [Int] }
        let tensors: [Entry]
        let payloadBytes: Int
        let metadata: String
    }

    /// The file's bytes.
    public func encoded() throws -> Data {
        let payload = tensors.reduce(0) { $0 + $1.tensor.count } * 4
        let header = Header(tensors: tensors.map { .init(name: $0.name, shape: $0.tensor.shape) },
                            payloadBytes: payload,
                            metadata: String(decoding: metadata, as: UTF8.self))
        // Sorted keys: an encoder's key order otherwise changes from one process to the next
        // (Swift seeds its dictionaries per process), and every byte after the header with it.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let headerBytes = try encoder.encode(header)
        var data = Data(capacity: 20 + headerBytes.count + payload + 4)
        data.append(contentsOf: Checkpoint.magic)
        appendLittleEndian(Checkpoint.formatVersion, to: &data)
        appendLittleEndian(UInt64(headerBytes.count), to: &data)
        data.append(headerBytes)
        for (_, t) in tensors {
            #if _endian(little)
            t.withUnsafeBufferPointer { data.append(UnsafeBufferPointer(start: $0.baseAddress, count: $0.count)) }
            #else
            for x in t.scalars { appendLittleEndian(x.bitPattern, to: &data) }
            #endif
        }
        let crc = data.withUnsafeBytes { CRC32.checksum($0) }
        appendLittleEndian(crc, to: &data)
        return data
    }

    /// Writes the checkpoint to `path` atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(try encoded(), to: path)
    }

    // MARK: Decoding

    /// Reads and checks a checkpoint file.
    public static func read(from path: String) throws -> Checkpoint {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, "checkpoint not found (or not readable)")
        }
        return try decode(data, path: path)
    }

    /// Checks and decodes a checkpoint's bytes; `path` names the file in errors.
    public static func decode(_ data: Data, path: String) throws -> Checkpoint {
        let bytes = [UInt8](data)
        guard bytes.count >= 8, Array(bytes[0..<8]) == magic else {
            throw InputError(file: path, "not a checkpoint of this course (the file does not start with 'LSTMCKPT')")
        }
        guard bytes.count >= 20 else {
            throw InputError(file: path, "checkpoint is truncated: \(bytes.count) bytes, not even a complete header")
        }
        let version = readLittleEndian(UInt32.self, bytes, at: 8)
        guard version == formatVersion else {
            throw InputError(file: path, "checkpoint format version \(version); this course reads version \(formatVersion)")
        }
        let headerLength = readLittleEndian(UInt64.self, bytes, at: 12)
        guard headerLength <= UInt64(bytes.count - 20) else {
            throw InputError(file: path, "checkpoint is truncated: the header needs \(headerLength) bytes, the file has \(bytes.count - 20) after the preamble")
        }
        let headerEnd = 20 + Int(headerLength)
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[20..<headerEnd]))
        } catch {
            throw InputError(file: path, "checkpoint is corrupted: its header is not valid JSON (\(error))")
        }
        let expectedSize = headerEnd + header.payloadBytes + 4
        guard bytes.count >= expectedSize else {
            throw InputError(file: path, "checkpoint is truncated: \(bytes.count) bytes, expected \(expectedSize)")
        }
        guard bytes.count == expectedSize else {
            throw InputError(file: path, "checkpoint is corrupted: \(bytes.count) bytes, expected \(expectedSize)")
        }
        let stored = readLittleEndian(UInt32.self, bytes, at: expectedSize - 4)
        let actual = bytes.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<(expectedSize - 4)])) }
        guard stored == actual else {
            throw InputError(file: path, String(format: "checkpoint is corrupted: checksum %08x, the data gives %08x", stored, actual))
        }
        let counts = header.tensors.map { $0.shape.reduce(1, *) }
        guard counts.reduce(0, +) * 4 == header.payloadBytes, header.tensors.allSatisfy({ $0.shape.allSatisfy { $0 >= 0 } }) else {
            throw InputError(file: path, "checkpoint is corrupted: the tensor shapes do not add up to \(header.payloadBytes) bytes")
        }
        var tensors: [(name: String, tensor: Tensor<Float>)] = []
        var offset = headerEnd
        for (entry, n) in zip(header.tensors, counts) {
            var scalars = [Float](repeating: 0, count: n)
            bytes.withUnsafeBytes { raw in
                for i in 0..<n {
                    let bits = raw.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self)
                    scalars[i] = Float(bitPattern: UInt32(littleEndian: bits))
                }
            }
            offset += 4 * n
            tensors.append((entry.name, Tensor(shape: entry.shape, scalars: scalars)))
        }
        return Checkpoint(tensors: tensors, metadata: Data(header.metadata.utf8))
    }
}

private func appendLittleEndian<I: FixedWidthInteger>(_ value: I, to data: inout Data) {
    withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
}

private func readLittleEndian<I: FixedWidthInteger>(_ type: I.Type, _ bytes: [UInt8], at offset: Int) -> I {
    bytes.withUnsafeBytes { I(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: I.self)) }
}
