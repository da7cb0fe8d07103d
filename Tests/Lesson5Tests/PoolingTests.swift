import CourseTesting
import Lesson1
import Lesson5
import TensorCore
import XCTest

/// Each pooling checked by centred differences in Double, and for reading only the real steps.
final class PoolingTests: XCTestCase {
    let lengths = [4, 1, 3]
    let shape = [4, 3, 6]   // T = 4, B = 3, F = 6 (D = 2, H = 3)

    private func output(seed: UInt64) -> Tensor<Double> {
        var rng = SeededRNG(seed: seed)
        var out = Tensor<Double>.normal(shape, rng: &rng)
        // Padding is zero, as the LSTM leaves it.
        for b in 0..<3 { for t in lengths[b]..<4 { for f in 0..<6 { out[t, b, f] = 0 } } }
        return out
    }

    private func pooling(_ kind: Pooling) -> SequencePooling<Double> {
        var rng = SeededRNG(seed: 3)
        return SequencePooling(kind: kind, features: 6, directions: 2, rng: &rng)
    }

    /// L = Σ w ⊙ pooled with fixed random w: checks dOut (and the scorer for attention).
    private func gradientCheck(_ kind: Pooling) {
        let pool = pooling(kind)
        let out = output(seed: 1)
        var rng = SeededRNG(seed: 2)
        let w = Tensor<Double>.normal([3, kind.width(features: 6)], rng: &rng)
        let (_, cache) = pool.forward(out, lengths: lengths)
        let (dOut, scorerGrads) = pool.backward(w, cache: cache)
        func loss(_ p: SequencePooling<Double>, _ o: Tensor<Double>) -> Double { (p.forward(o, lengths: lengths).pooled * w).sum() }
        let check = GradientCheck()
        // Only real steps: moving a padded entry would be moving something the LSTM keeps at zero.
        var results = [check.check("\(kind): dOut", analytic: dOut, at: out) { loss(pool, $0) }]
        for b in 0..<3 { for t in lengths[b]..<4 { for f in 0..<6 {
            XCTAssertEqual(dOut[t, b, f], 0, "\(kind): dOut at padded [\(t), \(b), \(f)] should be 0")
        } } }
        if let g = scorerGrads, let a = pool.attention {
            results.append(check.check("attention.weight", analytic: g.weight, at: a.weight) { wt in
                var p = pool; p.attention = Linear(weight: wt, bias: a.bias); return loss(p, out)
            })
        }
        assertGradientsPass(results, tolerance: 1e-7)
    }

    func testPoolingLast_gradient() { gradientCheck(.last) }
    func testPoolingMean_gradient() { gradientCheck(.mean) }
    func testPoolingMax_gradient() { gradientCheck(.max) }
    func testPoolingAttention_gradient() { gradientCheck(.attention) }
    func testPoolingMaxMean_gradient() { gradientCheck(.maxMean) }

    func testPoolingMaxMean_isMaxThenMeanSideBySide() {
        let out = output(seed: 4)
        let pooled = pooling(.maxMean).forward(out, lengths: lengths).pooled
        XCTAssertEqual(pooled.shape, [3, 12], "max-mean pooling: [B, 2F]")
        assertClose(pooled.columns(0..<6), pooling(.max).forward(out, lengths: lengths).pooled, tolerance: 0, "max-mean: its first F columns are max pooling")
        assertClose(pooled.columns(6..<12), pooling(.mean).forward(out, lengths: lengths).pooled, tolerance: 0, "max-mean: its last F columns are mean pooling")
    }

    func testPoolingLast_readsForwardEndAndBackwardStart() {
        let out = output(seed: 1)
        let pooled = pooling(.last).forward(out, lengths: lengths).pooled
        for b in 0..<3 {
            for f in 0..<3 { XCTAssertEqual(pooled[b, f], out[lengths[b] - 1, b, f], "last: forward half of review \(b), feature \(f)") }
            for f in 3..<6 { XCTAssertEqual(pooled[b, f], out[0, b, f], "last: backward half of review \(b), feature \(f)") }
        }
    }

    /// Scores in the thousands, as a scorer that grew large in training gives: e^s alone is inf
    /// above s ≈ 709 and 0 far below, and inf/inf or 0/0 is NaN.
    func testPoolingAttention_largeScoresStayFinite() {
        var pool = pooling(.attention)
        pool.attention = Linear(weight: Tensor([[1, 1, 1, 1, 1, 1]]), bias: Tensor([0]))   // s[t, b] = Σ_f out[t, b, f]
        let values: [[Double]] = [[200, 150, 100, 199], [500], [-300, -310, -305]]   // per review and real step
        var out = Tensor<Double>(shape: shape)
        for b in 0..<3 { for (t, v) in values[b].enumerated() { for f in 0..<6 { out[t, b, f] = v + Double(f) } } }
        let pooled = pool.forward(out, lengths: lengths).pooled
        for b in 0..<3 {
            let scores = (0..<lengths[b]).map { t in (0..<6).reduce(0.0) { $0 + out[t, b, $1] } }
            let top = scores.max() ?? 0
            let weights = scores.map { exp($0 - top) }
            let total = weights.reduce(0, +)
            for f in 0..<6 {
                let expected = (0..<lengths[b]).reduce(0.0) { $0 + weights[$1] / total * out[$1, b, f] }
                XCTAssertEqual(pooled[b, f], expected, accuracy: 1e-9 * max(1, abs(expected)),
                               "attention pooling of review \(b) (scores \(scores)), feature \(f)")
            }
        }
    }

    func testPoolingMeanAndMax_ignorePadding() {
        // All real values negative: a zero pad would win a max and dilute a mean.
        var out = output(seed: 4).map { -abs($0) - 0.1 }
        for b in 0..<3 { for t in lengths[b]..<4 { for f in 0..<6 { out[t, b, f] = 0 } } }
        let mean = pooling(.mean).forward(out, lengths: lengths).pooled
        let maxed = pooling(.max).forward(out, lengths: lengths).pooled
        for b in 0..<3 {
            for f in 0..<6 {
                let real = (0..<lengths[b]).map { out[$0, b, f] }
                XCTAssertEqual(mean[b, f], real.reduce(0, +) / Double(lengths[b]), accuracy: 1e-12, "mean [\(b), \(f)]")
                XCTAssertEqual(maxed[b, f], real.max() ?? 0, "max [\(b), \(f)] must come from a real step")
            }
        }
    }

    func testPoolingAttention_weightsSumToOneOverRealSteps() {
        let out = output(seed: 5)
        let (pooled, cache) = pooling(.attention).forward(out, lengths: lengths)
        guard let alpha = cache.alpha else { return XCTFail("attention pooling kept no weights in its cache") }
        for b in 0..<3 {
            let real = (0..<lengths[b]).map { alpha[$0, b] }
            XCTAssertEqual(real.reduce(0, +), 1, accuracy: 1e-12, "α of review \(b) over its \(lengths[b]) real steps")
            for t in lengths[b]..<4 { XCTAssertEqual(alpha[t, b], 0, "α at padded step \(t) of review \(b)") }
        }
        // Review 1 has one real step: attention can only return it.
        for f in 0..<6 { XCTAssertEqual(pooled[1, f], out[0, 1, f], accuracy: 1e-12) }
    }
}
