// The skip-gram fixtures of Tools/fixtures/lesson7.py (PyTorch autograd, float64), and a way to
// say which part of a gradient table is wrong without printing the expected numbers.

import CourseTesting
import Lesson7
import TensorCore
import XCTest

struct SkipGramCase {
    let input: Tensor<Double>
    let output: Tensor<Double>
    let batch: SkipGramBatch
    let loss: Double
    let dInput: Tensor<Double>
    let dOutput: Tensor<Double>

    static func load(_ name: String) throws -> SkipGramCase {
        let f = try loadFixture("lesson7/\(name)")
        func ids(_ key: String) throws -> [Int] { try f.tensor(key).scalars.map { Int($0) } }
        let batch = SkipGramBatch(centers: try ids("centers"), contexts: try ids("contexts"), negatives: try ids("negatives"),
                                  negativesPerExample: Int(try f.scalar("k")))
        return SkipGramCase(input: try f.tensor("input"), output: try f.tensor("output"), batch: batch,
                            loss: try f.scalar("loss"), dInput: try f.tensor("dinput"), dOutput: try f.tensor("doutput"))
    }
}

/// What rows `rows` of `got` look like next to the same rows of `expected` (both [V, E]):
/// nil when they match within `tolerance`, else a short diagnosis.
func rowDiagnosis(_ got: Tensor<Double>, _ expected: Tensor<Double>, rows: [Int], tolerance: Double) -> String? {
    let e = got.shape[1]
    var worst = 0.0, worstFlipped = 0.0, gotSize = 0.0
    for r in Set(rows) {
        for j in 0..<e {
            let g = got.scalars[r * e + j], x = expected.scalars[r * e + j]
            worst = max(worst, abs(g - x))
            worstFlipped = max(worstFlipped, abs(g + x))
            gotSize = max(gotSize, abs(g))
        }
    }
    if worst <= tolerance { return nil }
    if gotSize <= tolerance { return "are zero: this part of the gradient is missing" }
    if worstFlipped <= tolerance { return "have the opposite sign" }
    return "are wrong (largest difference \(String(format: "%.3g", worst)))"
}
