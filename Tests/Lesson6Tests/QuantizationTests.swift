// Section 9: int8 weights with per-row scales.

import CourseTesting
import Lesson6
import TensorCore
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
