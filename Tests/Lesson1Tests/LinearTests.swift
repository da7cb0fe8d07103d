import CourseTesting
import Lesson1
import TensorCore
import XCTest

final class LinearTests: XCTestCase {
    private func layer(_ f: Fixture) throws -> Linear<Double> {
        Linear(weight: try f.tensor("weight"), bias: try f.tensor("bias"))
    }

    func testLinearInit_shapesAndRange() {
        var rng = SeededRNG(seed: 7)
        let linear = Linear<Double>(inputSize: 16, outputSize: 3, rng: &rng)
        XCTAssertEqual(linear.weight.shape, [3, 16], "weight must be [out, in]")
        XCTAssertEqual(linear.bias.shape, [3], "bias must be [out]")
        let bound = 1 / 16.0.squareRoot()
        for (name, t) in [("weight", linear.weight), ("bias", linear.bias)] {
            XCTAssertLessThanOrEqual(t.maxAbs(), bound, "\(name): every entry must lie in ±1/sqrt(in) = ±\(bound)")
            XCTAssertGreaterThan(t.maxAbs(), bound / 4, "\(name): entries look too small for U(±1/sqrt(in))")
            XCTAssertGreaterThan(Set(t.scalars).count, t.count / 2, "\(name): entries should be random, not constant")
        }
    }

    func testLinearForward_y() throws {
        for name in linearCases {
            let f = try loadFixture("lesson1/\(name)")
            let linear = try layer(f)
            let (y, cache) = linear.forward(try f.tensor("x"))
            assertClose(y, try f.tensor("y"), tolerance: Tolerance.double, "\(name) y")
            assertClose(cache.x, try f.tensor("x"), tolerance: 0, "\(name) cache.x")
            assertClose(linear(try f.tensor("x")), try f.tensor("y"), tolerance: Tolerance.double, "\(name) callAsFunction")
        }
    }

    func testLinearBackward_dx() throws {
        for name in linearCases {
            let f = try loadFixture("lesson1/\(name)")
            let linear = try layer(f)
            let (_, cache) = linear.forward(try f.tensor("x"))
            let (dx, _) = linear.backward(try f.tensor("dy"), cache: cache)
            assertClose(dx, try f.tensor("dx"), tolerance: Tolerance.double, "\(name) dx")
        }
    }

    func testLinearBackward_dWeight() throws {
        for name in linearCases {
            let f = try loadFixture("lesson1/\(name)")
            let linear = try layer(f)
            let (_, cache) = linear.forward(try f.tensor("x"))
            let (_, grads) = linear.backward(try f.tensor("dy"), cache: cache)
            assertClose(grads.weight, try f.tensor("dweight"), tolerance: Tolerance.double, "\(name) dWeight")
        }
    }

    func testLinearBackward_dBias() throws {
        for name in linearCases {
            let f = try loadFixture("lesson1/\(name)")
            let linear = try layer(f)
            let (_, cache) = linear.forward(try f.tensor("x"))
            let (_, grads) = linear.backward(try f.tensor("dy"), cache: cache)
            assertClose(grads.bias, try f.tensor("dbias"), tolerance: Tolerance.double, "\(name) dBias")
        }
    }

    /// L = Σ y ⊙ R for a fixed random R, so ∂L/∂y = R; L is linear in every input, so the centred
    /// difference is exact up to rounding and a large ε keeps that rounding small.
    func testLinearBackward_gradientCheck() throws {
        let check = GradientCheck(epsilon: 1e-3)
        for name in linearCases {
            let f = try loadFixture("lesson1/\(name)")
            let linear = try layer(f)
            let x = try f.tensor("x"), dy = try f.tensor("dy")
            func loss(_ l: Linear<Double>, _ x: Tensor<Double>) -> Double { (l(x) * dy).sum() }
            let (_, cache) = linear.forward(x)
            let (dx, grads) = linear.backward(dy, cache: cache)
            let results = [
                check.check("\(name) dx", analytic: dx, at: x) { loss(linear, $0) },
                check.check("\(name) dWeight", analytic: grads.weight, at: linear.weight) {
                    loss(Linear(weight: $0, bias: linear.bias), x)
                },
                check.check("\(name) dBias", analytic: grads.bias, at: linear.bias) {
                    loss(Linear(weight: linear.weight, bias: $0), x)
                },
            ]
            assertGradientsPass(results, tolerance: Tolerance.gradientCheck)
        }
    }

    func testLinearFloat_matchesFixture() throws {
        for name in linearCases {
            let f = try loadFixture("lesson1/\(name)")
            let linear = Linear(weight: try f.tensor("weight", as: Float.self), bias: try f.tensor("bias", as: Float.self))
            let (y, cache) = linear.forward(try f.tensor("x", as: Float.self))
            let (dx, grads) = linear.backward(try f.tensor("dy", as: Float.self), cache: cache)
            assertClose(y, try f.tensor("y"), tolerance: Tolerance.float, "\(name) Float y")
            assertClose(dx, try f.tensor("dx"), tolerance: Tolerance.float, "\(name) Float dx")
            assertClose(grads.weight, try f.tensor("dweight"), tolerance: Tolerance.float, "\(name) Float dWeight")
            assertClose(grads.bias, try f.tensor("dbias"), tolerance: Tolerance.float, "\(name) Float dBias")
        }
    }
}
