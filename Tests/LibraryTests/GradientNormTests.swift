import TensorCore
import XCTest
@testable import Training

/// The global gradient norm with four running sums against one plain sum in Double, and the
/// clipping that takes the norm already computed against the one that computes it.
final class GradientNormTests: XCTestCase {
    func testGlobalNormMatchesOnePlainSum() {
        var rng = SeededRNG(seed: 5)
        // Counts that are and are not multiples of four, an empty tensor, a single element.
        for counts in [[1], [0, 3], [4, 5, 6, 7], [1001, 2, 13], [0]] {
            let grads = counts.map { Tensor<Float>.normal([$0], rng: &rng) }
            var plain = 0.0
            for g in grads { for x in g.scalars { plain += Double(x) * Double(x) } }
            XCTAssertEqual(GradientClipping.globalNorm(grads), plain.squareRoot(), accuracy: 1e-12 * max(1, plain.squareRoot()),
                           "counts \(counts)")
        }
    }

    func testClipWithAKnownNormEqualsClip() {
        var rng = SeededRNG(seed: 6)
        for maxNorm in [0.5, 100] {
            let grads = [Tensor<Float>.normal([7, 3], rng: &rng), Tensor<Float>.normal([5], rng: &rng)]
            var a = grads, b = grads
            let norm = GradientClipping.clip(&a, maxNorm: maxNorm)
            GradientClipping.clip(&b, maxNorm: maxNorm, norm: GradientClipping.globalNorm(grads))
            XCTAssertEqual(a, b, "maxNorm \(maxNorm): clipped with the norm given, as clip computes it")
            XCTAssertEqual(a == grads, norm <= maxNorm, "maxNorm \(maxNorm), norm \(norm): only a larger norm scales")
        }
    }
}
