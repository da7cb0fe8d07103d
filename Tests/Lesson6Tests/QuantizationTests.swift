// Section 12: int8 weights with per-row scales, and the whole model saved and read back in int8.

import CourseTesting
import Lesson5
import Lesson6
import TensorCore
import Foundation
import XCTest

final class QuantizationTests: XCTestCase {
    func testInt8Quantize_scalesAndValues() {
        // Row 0: max |w| = 1.27 -> scale 0.01, q = w / 0.01. Row 1: max |w| = 2.54 -> scale 0.02.
        let w = Tensor<Float>([[1.27, -0.5, 0.004, -1.27], [0.031, 2.54, -2.54, 0.0]])
        let q = Int8RowQuantized(quantizing: w)
        XCTAssertEqual(q.shape, [2, 4], "quantised shape")
        XCTAssertEqual(q.scales.count, 2, "one scale per row")
        XCTAssertEqual(q.scales.first ?? .nan, 0.01, accuracy: 1e-7, "scale of row 0 = max|w| / 127 = 1.27 / 127")
        XCTAssertEqual(q.scales.last ?? .nan, 0.02, accuracy: 1e-7, "scale of row 1 = max|w| / 127 = 2.54 / 127")
        XCTAssertEqual(q.values, [127, -50, 0, -127, 2, 127, -127, 0],
                       "q = round(w / scale): row 0 [127, -50, 0 (0.4 rounds down), -127], row 1 [2 (1.55), 127, -127, 0]")
    }

    func testInt8Quantize_zeroRowHasZeroScale() {
        let q = Int8RowQuantized(quantizing: Tensor<Float>([[0, 0, 0], [0.5, -1, 0.25]]))
        XCTAssertEqual(q.scales.first ?? .nan, 0, "an all-zero row (the <pad> embedding) must get scale 0, not a division by zero")
        XCTAssertEqual(Array(q.values.prefix(3)), [0, 0, 0], "an all-zero row stays zero")
        XCTAssertEqual(q.dequantized().scalars.prefix(3).map { $0 }, [0, 0, 0], "dequantised zero row, no NaN")
    }

    func testInt8Dequantize_roundTripWithinHalfScale() {
        var rng = SeededRNG(seed: 66)
        let rows = 7, cols = 33
        // Rows of very different sizes, as the gates of an LSTM: per-row scales keep small rows precise.
        let scalars: [Float] = (0..<(rows * cols)).map { i in Float(rng.uniform(-1, 1)) * Float(pow(10.0, Double(i / cols - 3))) }
        let w = Tensor(shape: [rows, cols], scalars: scalars)
        let q = Int8RowQuantized(quantizing: w)
        let d = q.dequantized()
        XCTAssertEqual(d.shape, [rows, cols], "dequantised shape")
        for r in 0..<rows {
            let scale = q.scales[r]
            let largest = scalars[(r * cols)..<((r + 1) * cols)].map(abs).max() ?? 0
            XCTAssertEqual(scale, largest / 127, accuracy: largest * 1e-6, "scale of row \(r)")
            for c in 0..<cols {
                let i = r * cols + c
                XCTAssertEqual(d.scalars[i], scale * Float(q.values[i]), accuracy: abs(d.scalars[i]) * 1e-6 + 1e-12,
                               "dequantised [\(r), \(c)] must be scale · q")
                XCTAssertLessThanOrEqual(abs(d.scalars[i] - scalars[i]), scale / 2 * 1.0001,
                                         "round-trip error at [\(r), \(c)]: w \(scalars[i]), w' \(d.scalars[i]), scale \(scale)")
            }
        }
        XCTAssertEqual(q.byteCount, rows * cols + 4 * rows, "one byte per weight and four per row scale")
    }

    func testInt8Quantize_vectorIsOneRow() {
        let q = Int8RowQuantized(quantizing: Tensor<Float>([0.504, -0.25, 1.0]))
        XCTAssertEqual(q.shape, [1, 3], "a vector [C] is quantised as one row [1, C]")
        XCTAssertEqual(q.values, [64, -32, 127], "q = round(w · 127 / 1.0): 64.008 -> 64, -31.75 -> -32, 127")
    }
}

final class QuantizedSentimentModelTests: XCTestCase {
    func testQuantizedSentimentModel_fileRoundTripAndLogits() throws {
        var rng = SeededRNG(seed: 12)
        let config = SentimentLSTMConfig(vocabularySize: 30, embeddingSize: 6, hiddenSize: 5, layers: 1, bidirectional: true,
                                         pooling: .attention, dropout: 0)
        let model = SentimentLSTM<Float>(config: config, rng: &rng)
        let description = SentimentModelDescription(config: config, maxLength: 20, dataset: "test", embedding: "random")
        let q = QuantizedSentimentModel(model, description: description)
        let matrices = model.modelTensors.filter { $0.tensor.rank == 2 }
        XCTAssertEqual(Set(q.matrices.keys), Set(matrices.map(\.name)), "every matrix is stored int8, the vectors Float")
        let scalars = model.modelTensors.reduce(0) { $0 + $1.tensor.count }
        XCTAssertEqual(q.floatBytes, 4 * scalars, "Float32 bytes of the same tensors")
        let rows = matrices.reduce(0) { $0 + $1.tensor.shape[0] }
        let matrixScalars = matrices.reduce(0) { $0 + $1.tensor.count }
        XCTAssertEqual(q.weightBytes, matrixScalars + 4 * rows + 4 * (scalars - matrixScalars),
                       "int8 bytes: one per matrix weight, four per row scale, four per vector element")
        let (error, bound) = q.maxError(against: model)
        XCTAssertLessThanOrEqual(error, bound * 1.0001, "largest weight error \(error) above half the largest scale \(bound)")

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lesson6-int8-\(ProcessInfo.processInfo.processIdentifier).bin").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try q.write(to: path)
        XCTAssertEqual(try q.encoded(), try QuantizedSentimentModel(model, description: description).encoded(),
                       "the same model must give the same bytes (a JSON header with sorted keys)")
        let back = try QuantizedSentimentModel(contentsOf: path)
        XCTAssertEqual(back.order, q.order, "tensor order after reading back")
        for (name, m) in q.matrices { XCTAssertEqual(back.matrices[name], m, "int8 matrix \(name) after reading back") }
        for (name, v) in q.vectors { XCTAssertEqual(back.vectors[name]?.scalars ?? [], v.scalars, "Float vector \(name) after reading back") }

        // The dequantised model computes nearly the same logits: int8 rounding, not a different model.
        let ids: [Int32] = [3, 7, 2, 9, 11, 8, 4, 0, 0]   // time-major [T 3, B 3]: rows are steps, padding 0
        let lengths = [3, 2, 2]
        var r1 = SeededRNG(seed: 0), r2 = SeededRNG(seed: 0)
        let expected = model.forward(ids: ids, lengths: lengths, training: false, rng: &r1).logits
        let got = try back.dequantizedModel().forward(ids: ids, lengths: lengths, training: false, rng: &r2).logits
        for i in 0..<3 {
            XCTAssertEqual(got.scalars[i], expected.scalars[i], accuracy: 0.02, "logit \(i): int8 \(got.scalars[i]), Float32 \(expected.scalars[i])")
            XCTAssertNotEqual(got.scalars[i], 0, "logit \(i) of the dequantised model")
        }
    }
}
