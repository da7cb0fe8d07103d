// The gates at work on a toy sequence: a one-unit LSTM whose weights are set by hand so it acts
// as a latch. Input x_t = (value, write, erase): the input gate opens only on "write", the
// forget gate closes only on "erase", so c holds a value for as long as nobody erases it,
// whatever happens in between. Which is the whole point of the cell state (README section 1).

import Foundation
import Gnuplot
import Lesson3
import TensorCore

enum LatchFigure {
    struct Trace {
        var i: [Double] = [], f: [Double] = [], o: [Double] = [], c: [Double] = [], h: [Double] = []
        var value: [Double] = []
        var events: [(t: Int, text: String)] = []
    }

    /// Weights chosen so that i ≈ σ(8·write - 4), f ≈ σ(4 - 8·erase), g = tanh(2·value), o ≈ σ(2).
    static func cell() -> LSTMCell<Double> {
        let weightIH = Tensor<Double>([
            [0, 8, 0],   // i: opens on write
            [0, 0, -8],  // f: closes on erase
            [2, 0, 0],   // g: the value to store
            [0, 0, 0],   // o: constant
        ])
        let weightHH = Tensor<Double>(shape: [4, 1])
        let biasIH = Tensor<Double>([-4, 4, 0, 2])
        return LSTMCell(parameters: LSTMParameters(weightIH: weightIH, weightHH: weightHH,
                                                   biasIH: biasIH, biasHH: .zeros([4])))
    }

    static func run(steps: Int = 40, seed: UInt64 = 7) -> Trace {
        let cell = cell()
        var rng = SeededRNG(seed: seed)
        var state = LSTMState<Double>.zeros(batch: 1, hidden: 1)
        var trace = Trace()
        let writes: [Int: Double] = [4: 0.9, 22: -0.7]
        let erases: Set<Int> = [15, 33]
        for t in 0..<steps {
            // Between events the value input is noise the cell must ignore.
            let value = writes[t] ?? rng.uniform(-1, 1)
            let write: Double = writes[t] == nil ? 0 : 1
            let erase: Double = erases.contains(t) ? 1 : 0
            if let v = writes[t] { trace.events.append((t, String(format: "write %.1f", v))) }
            if erase == 1 { trace.events.append((t, "erase")) }
            let (next, cache) = cell.forward(Tensor<Double>([[value, write, erase]]), state: state)
            trace.i.append(cache.gates[0, 0])
            trace.f.append(cache.gates[0, 1])
            trace.o.append(cache.gates[0, 3])
            trace.c.append(next.c[0, 0])
            trace.h.append(next.h[0, 0])
            trace.value.append(value)
            state = next
        }
        return trace
    }

    static func chart(_ trace: Trace) -> Chart {
        let t = trace.i.indices.map(Double.init)
        var chart = Chart(title: "A hand-set LSTM unit as a latch: gates and cell state", xLabel: "time step t", yLabel: "value")
        chart.add(.line(x: t, y: trace.i, title: "input gate i"))
        chart.add(.line(x: t, y: trace.f, title: "forget gate f"))
        chart.add(.line(x: t, y: trace.c, title: "cell state c"))
        chart.add(.points(x: t, y: trace.value, title: "input value (noise between writes)"))
        chart.yRange = (-1.3, 1.3)
        chart.legend = "below"
        return chart
    }
}
