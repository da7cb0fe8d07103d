import CourseTesting
import Lesson1
import TensorCore

/// One of the optimiser fixtures: a Linear(4, 1) + BCE problem torch trained for 10 steps,
/// the gradients it saw and the parameters after every step.
struct OptimiserFixture {
    let fixture: Fixture
    let steps: Int

    init(_ name: String) throws {
        fixture = try loadFixture("lesson1/\(name)")
        steps = try fixture.int("steps")
    }

    /// Entry `step` of a stacked tensor [steps, ...] as a tensor [...].
    func slice<T: TensorScalar>(_ key: String, _ step: Int, as type: T.Type) throws -> Tensor<T> {
        let all = try fixture.tensor(key, as: type)
        let shape = Array(all.shape.dropFirst())
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: Array(all.scalars[(step * n)..<((step + 1) * n)]))
    }

    var learningRate: Double { get throws { try fixture.scalar("lr") } }
}
