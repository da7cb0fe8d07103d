import CourseTesting
import Lesson1
import Lesson5
import TensorCore
import XCTest

// Hidden tests (grading.json: "visibility": "hidden"; not in the student edition). Each run
// draws new shapes, lengths and values from COURSE_HIDDEN_SEED, which the grader sets afresh
// for every grading run (a random seed without it). The expected values come from this file's
// own plain-loop poolings in Double, the expected gradients from centred differences of them,
// never from the student's code.

/// The seed for this run's draws, mixed with a per-test salt.
private func hiddenSeed(_ salt: UInt64) -> UInt64 {
    let base = ProcessInfo.processInfo.environment["COURSE_HIDDEN_SEED"].flatMap { UInt64($0) }
        ?? UInt64.random(in: 1 ... .max)
    return base &* 0x9E37_79B9_7F4A_7C15 ^ salt
}

/// One random pooling: the LSTM output of a padded batch, and a gradient for the pooled vectors.
private struct HiddenPoolingCase {
    let kind: Pooling
    let steps: Int, batch: Int, directions: Int, features: Int
    let lengths: [Int]
    let seed: UInt64
    /// [T, B, F]; padded steps hold large values that must never reach the result.
    var out: [Double]
    /// The attention scorer: w [F] and b.
    var scorer: [Double]
    let dPooled: [Double]

    init(kind: Pooling, seed: UInt64) {
        self.kind = kind
        self.seed = seed
        var rng = SeededRNG(seed: seed)
        let steps = 1 + rng.int(below: 6), batch = 1 + rng.int(below: 4)
        self.steps = steps
        self.batch = batch
        directions = 1 + rng.int(below: 2)
        features = directions * (1 + rng.int(below: 4))
        var lengths = (0..<batch).map { _ in 1 + rng.int(below: steps) }
        lengths[rng.int(below: batch)] = steps
        self.lengths = lengths
        var out = [Double](repeating: 0, count: steps * batch * features)
        for b in 0..<batch {
            for f in 0..<features {
                // The real steps' values are well apart (a rank plus a little noise), so max
                // pooling has one clear winner that a step of 1e-6 cannot change.
                var ranks = Array(0..<steps)
                rng.shuffle(&ranks)
                for t in 0..<steps {
                    let value = t < lengths[b] ? Double(ranks[t]) * 0.3 - 1 + rng.uniform(-0.05, 0.05) : 50 + rng.uniform(0, 1)
                    out[(t * batch + b) * features + f] = value
                }
            }
        }
        self.out = out
        scorer = (0 ... features).map { _ in rng.uniform(-1, 1) }
        dPooled = (0 ..< batch * kind.width(features: features)).map { _ in rng.normal() }
    }

    var description: String {
        "\(kind) pooling, T \(steps), lengths \(lengths), \(features) features, \(directions) direction\(directions == 1 ? "" : "s") (hidden-test seed \(seed))"
    }

    /// The pooled vector's width: F, or 2F for max-mean.
    var width: Int { kind.width(features: features) }

    /// The reference: pooled [B, width].
    func pool(_ p: HiddenPoolingCase) -> [Double] {
        let (B, F, W) = (batch, features, width)
        var pooled = [Double](repeating: 0, count: B * W)
        for b in 0..<B {
            let real = 0..<lengths[b]
            func value(_ t: Int, _ f: Int) -> Double { p.out[(t * B + b) * F + f] }
            func pooledValue(_ kind: Pooling, _ f: Int) -> Double {
                switch kind {
                case .last:
                    return value(f < F / directions ? lengths[b] - 1 : 0, f)
                case .mean:
                    return real.reduce(0) { $0 + value($1, f) } / Double(lengths[b])
                case .max:
                    return real.map { value($0, f) }.max() ?? 0
                case .maxMean:
                    return f < F ? pooledValue(.max, f) : pooledValue(.mean, f - F)
                case .attention:
                    let scores = real.map { t in (0..<F).reduce(p.scorer[F]) { $0 + p.scorer[$1] * value(t, $1) } }
                    let top = scores.max() ?? 0
                    let weights = scores.map { Foundation.exp($0 - top) }
                    let total = weights.reduce(0, +)
                    return real.reduce(0) { $0 + weights[$1] / total * value($1, f) }
                }
            }
            for f in 0..<W { pooled[b * W + f] = pooledValue(kind, f) }
        }
        return pooled
    }

    func loss(_ probe: HiddenPoolingCase) -> Double {
        zip(pool(probe), dPooled).reduce(0) { $0 + $1.0 * $1.1 }
    }

    func numericGradient(_ path: WritableKeyPath<HiddenPoolingCase, [Double]>) -> [Double] {
        centredDifferences(of: self, at: path, loss: loss)
    }

    var studentPooling: SequencePooling<Double> {
        var rng = SeededRNG(seed: 1)
        var pooling = SequencePooling<Double>(kind: kind, features: features, directions: directions, rng: &rng)
        if kind == .attention {
            pooling.attention = Linear(weight: Tensor(shape: [1, features], scalars: Array(scorer[0..<features])),
                                       bias: Tensor(shape: [1], scalars: [scorer[features]]))
        }
        return pooling
    }

    var studentOutput: Tensor<Double> { Tensor(shape: [steps, batch, features], scalars: out) }
}

/// Fails with the first wrong entry's index, never the expected numbers.
private func assertHiddenAgrees(_ actual: [Double], _ expected: [Double], _ what: String,
                                file: StaticString = #filePath, line: UInt = #line) {
    guard actual.count == expected.count else {
        XCTFail("\(what): \(actual.count) values, expected \(expected.count)", file: file, line: line)
        return
    }
    if let i = actual.indices.first(where: { !(abs(actual[$0] - expected[$0]) <= 1e-6 * max(1, abs(expected[$0]))) }) {
        XCTFail("\(what) is wrong at flat index \(i)", file: file, line: line)
    }
}

final class HiddenPoolingTests: XCTestCase {
    func testHiddenPoolingForward_randomShapes() {
        let seed = hiddenSeed(0x5_0001)
        for (k, kind) in Pooling.allCases.enumerated() {
            let c = HiddenPoolingCase(kind: kind, seed: seed &+ UInt64(k))
            let (pooled, _) = c.studentPooling.forward(c.studentOutput, lengths: c.lengths)
            XCTAssertEqual(pooled.shape, [c.batch, c.width], "pooled shape, \(c.description)")
            assertHiddenAgrees(pooled.scalars, c.pool(c), "pooled [B, width] of \(c.description)")
        }
    }

    func testHiddenPoolingBackward_randomShapes() {
        let seed = hiddenSeed(0x5_0002)
        for (k, kind) in Pooling.allCases.enumerated() {
            let c = HiddenPoolingCase(kind: kind, seed: seed &+ UInt64(k))
            let pooling = c.studentPooling
            let (_, cache) = pooling.forward(c.studentOutput, lengths: c.lengths)
            let (dOut, scorer) = pooling.backward(Tensor(shape: [c.batch, c.width], scalars: c.dPooled), cache: cache)
            assertHiddenAgrees(dOut.scalars, c.numericGradient(\.out), "dOut [T, B, F] (zero at padded steps) of \(c.description)")
            if kind == .attention {
                let dScorer = c.numericGradient(\.scorer)
                assertHiddenAgrees(scorer?.weight.scalars ?? [], Array(dScorer[0..<c.features]), "the scorer's dWeight of \(c.description)")
                assertHiddenAgrees(scorer?.bias.scalars ?? [], [dScorer[c.features]], "the scorer's dBias of \(c.description)")
            }
        }
    }
}
