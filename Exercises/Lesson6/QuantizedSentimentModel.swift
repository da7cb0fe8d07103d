// Your copy of Solutions/Lesson6/QuantizedSentimentModel.swift (made by `make exercises`): replace each unimplemented(...) line with your code.
// Lesson 6, section 12: the whole sentiment model with int8 weights (Quantization.swift),
// saved to disk and read back for inference.
//
// Every matrix (embedding, W_ih, W_hh, attention, fc) is stored as int8 with per-row scales;
// the vectors (biases) stay Float: they are a fraction of a percent of the model and their
// rounding error would shift every unit the same way. Inference dequantises the weights once
// and runs the ordinary Float model, so what changes is the size on disk and in memory at
// rest, and the accuracy through the rounding; the arithmetic itself is still Float.
//
// File layout ("LSTMINT8"): magic, UInt32 header length, the JSON header (the tensors' names,
// kinds and shapes, the model description), then each tensor's payload in header order:
// int8 matrix = R·C bytes of q then R little-endian Float scales; Float vector = C Floats.

import Foundation
import Lesson5
import TensorCore

public struct QuantizedSentimentModel: Sendable {
    public struct Entry: Codable, Sendable {
        public var name: String
        /// "int8" (a matrix with per-row scales) or "float32" (a vector kept as it is)
        public var kind: String
        public var shape: [Int]
    }

    public struct Header: Codable, Sendable {
        public var entries: [Entry]
        public var description: SentimentModelDescription
    }

    public static let magic: [UInt8] = Array("LSTMINT8".utf8)

    public var description: SentimentModelDescription
    /// The matrices, by name.
    public var matrices: [String: Int8RowQuantized]
    /// The vectors, by name, in Float.
    public var vectors: [String: Tensor<Float>]
    /// Every tensor's name in the model's order.
    public var order: [String]

    /// Quantises every matrix of `model` (the frozen embedding included).
    public init(_ model: SentimentLSTM<Float>, description: SentimentModelDescription) {
        self.description = description
        matrices = [:]
        vectors = [:]
        order = []
        for (name, t) in model.modelTensors {
            order.append(name)
            if t.rank == 2 { matrices[name] = Int8RowQuantized(quantizing: t) } else { vectors[name] = t }
        }
    }

    /// Bytes of the weights at rest: int8 matrices with their scales, Float vectors.
    public var weightBytes: Int {
        matrices.values.reduce(0) { $0 + $1.byteCount } + vectors.values.reduce(0) { $0 + 4 * $1.count }
    }

    /// Bytes the same tensors take in Float32.
    public var floatBytes: Int {
        matrices.values.reduce(0) { $0 + 4 * $1.values.count } + vectors.values.reduce(0) { $0 + 4 * $1.count }
    }

    /// The Float model whose matrices are the dequantised int8 ones.
    public func dequantizedModel() throws -> SentimentLSTM<Float> {
        var rng = SeededRNG(seed: 0)
        var config = description.config
        config.dropout = 0
        var model = SentimentLSTM<Float>(config: config, rng: &rng)
        try model.load { name in
            if let m = matrices[name] { return m.dequantized() }
            if let v = vectors[name] { return v }
            throw InputError(file: "int8 model", "no tensor named \(name)")
        }
        return model
    }

    /// The largest |W' - W| over every matrix of `model` and the largest half-scale bound it must stay under.
    public func maxError(against model: SentimentLSTM<Float>) -> (error: Float, bound: Float) {
        var error: Float = 0, bound: Float = 0
        for (name, t) in model.modelTensors {
            guard let q = matrices[name] else { continue }
            let d = q.dequantized().scalars
            for (a, b) in zip(t.scalars, d) { error = max(error, abs(a - b)) }
            bound = max(bound, (q.scales.max() ?? 0) / 2)
        }
        return (error, bound)
    }

    // MARK: File

    public func encoded() throws -> Data {
        let entries = order.map { name in
            matrices[name].map { Entry(name: name, kind: "int8", shape: $0.shape) }
                ?? Entry(name: name, kind: "float32", shape: vectors[name]?.shape ?? [0])
        }
        // Sorted keys, so the same model gives the same bytes in every process.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let header = try encoder.encode(Header(entries: entries, description: description))
        var data = Data(Self.magic)
        withUnsafeBytes(of: UInt32(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(header)
        func appendFloats(_ xs: [Float]) {
            for x in xs { withUnsafeBytes(of: x.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        }
        for name in order {
            if let m = matrices[name] {
                m.values.withUnsafeBytes { data.append(contentsOf: $0) }
                appendFloats(m.scales)
            } else if let v = vectors[name] {
                appendFloats(v.scalars)
            }
        }
        return data
    }

    public func write(to path: String) throws {
        try encoded().write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw InputError(file: path, "cannot read") }
        let bytes = [UInt8](data)
        guard bytes.count >= 12, Array(bytes[0..<8]) == Self.magic else { throw InputError(file: path, "not an int8 model (no LSTMINT8 magic)") }
        var at = 8
        func uint32() -> Int { let v = (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) }; at += 4; return v }
        let headerLength = uint32()
        guard at + headerLength <= bytes.count else { throw InputError(file: path, "truncated header") }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[at..<(at + headerLength)]))
        } catch {
            throw InputError(file: path, "bad header: \(error)")
        }
        at += headerLength
        func floats(_ n: Int) throws -> [Float] {
            guard at + 4 * n <= bytes.count else { throw InputError(file: path, "truncated payload") }
            let out = (0..<n).map { _ in Float(bitPattern: UInt32(uint32())) }
            return out
        }
        description = header.description
        matrices = [:]
        vectors = [:]
        order = header.entries.map(\.name)
        for e in header.entries {
            let n = e.shape.reduce(1, *)
            if e.kind == "int8" {
                guard e.shape.count == 2, at + n <= bytes.count else { throw InputError(file: path, "bad or truncated matrix \(e.name)") }
                let q = bytes[at..<(at + n)].map { Int8(bitPattern: $0) }
                at += n
                matrices[e.name] = Int8RowQuantized(shape: e.shape, values: q, scales: try floats(e.shape[0]))
            } else {
                vectors[e.name] = Tensor(shape: e.shape, scalars: try floats(n))
            }
        }
    }
}
