// Lesson 3 walkthrough: the LSTM cell by hand (`make lesson3`).
//
// 1. The derivation, line by line, with the numbers of a tiny cell next to what your code returns.
// 2. Your cell against PyTorch's nn.LSTMCell (fixtures), tensor by tensor.
// 3. A live gradient check of your backward pass, gate by gate, why it uses a fourth-order
//    difference, and what a classic bug looks like; the table goes to out/lesson3/gradcheck.json.
// 4. Float against Double.
// 5. The gates at work: a hand-set LSTM unit as a latch over a toy sequence (out/lesson3/gates.png).
// 6. The further exercises, RNNCell and GRUCell, checked the same way.
//
// It needs no data and takes seconds, so --smoke (make test) runs it unchanged; --out DIR writes elsewhere.

import Foundation
import Gnuplot
import CourseTesting
import Lesson3
import TensorCore
import WalkthroughSupport

let started = Date()
let walkthrough = WalkthroughOptions.fromCommandLine(lesson: 3)
let output = OutputFolder(walkthrough.outputDirectory)
let tolerance = 1e-7

print("""
Lesson 3: the LSTM cell, forward and backward by hand
-----------------------------------------------------
One time step of nn.LSTMCell for a batch, its backward pass (which you derive), and checks
against PyTorch and against finite differences. The text is in Lessons/Lesson3/README.md.

    gates = x W_ihᵀ + b_ih + h W_hhᵀ + b_hh     [B, 4H], columns i | f | g | o
    i, f, o = σ(...),  g = tanh(...)
    c' = f⊙c + i⊙g,   h' = o⊙tanh(c')
""")

// MARK: 1. Your cell with numbers

heading("1. Your cell with numbers (LSTMCell.gates, forward, cellGradient, gateGradients, backward; README, sections 3 to 5)")
Derivation.run()

// MARK: 2. PyTorch

heading("2. Your cell against torch.nn.LSTMCell (float64 fixtures, tolerance 1e-10)")
let shapes = ["b2_e3_h5", "b1_e4_h13", "b3_e7_h8", "b4_e6_h13"]
var fixturesOK = true
for shape in shapes {
    let name = "lesson3/lstm_cell_\(shape)"
    guard let f = try? Fixture.load(name) else {
        print("  \(name): fixture missing (regenerate with .venv/bin/python Tools/fixtures/lesson3.py)")
        fixturesOK = false
        continue
    }
    do {
        let cell = LSTMCell(parameters: LSTMParameters(
            weightIH: try f.tensor("weight_ih"), weightHH: try f.tensor("weight_hh"),
            biasIH: try f.tensor("bias_ih"), biasHH: try f.tensor("bias_hh")))
        let (next, cache) = cell.forward(try f.tensor("x"), state: LSTMState(h: try f.tensor("h"), c: try f.tensor("c")))
        let (dGates, _) = cell.gateGradients(dh: try f.tensor("Gh"), dc: try f.tensor("Gc"), cache: cache)
        let (dx, dState, grads) = cell.backward(dh: try f.tensor("Gh"), dc: try f.tensor("Gc"), cache: cache)
        let results = [
            compare("h'", got: next.h, expected: try f.tensor("h_next"), tolerance: 1e-10),
            compare("c'", got: next.c, expected: try f.tensor("c_next"), tolerance: 1e-10),
            compare("dGates", got: dGates, expected: try f.tensor("dgates"), tolerance: 1e-10),
            compare("dx", got: dx, expected: try f.tensor("dx"), tolerance: 1e-10),
            compare("dh", got: dState.h, expected: try f.tensor("dh"), tolerance: 1e-10),
            compare("dc", got: dState.c, expected: try f.tensor("dc"), tolerance: 1e-10),
            compare("dW_ih", got: grads.weightIH, expected: try f.tensor("dweight_ih"), tolerance: 1e-10),
            compare("dW_hh", got: grads.weightHH, expected: try f.tensor("dweight_hh"), tolerance: 1e-10),
            compare("db_ih", got: grads.biasIH, expected: try f.tensor("dbias_ih"), tolerance: 1e-10),
            compare("db_hh", got: grads.biasHH, expected: try f.tensor("dbias_hh"), tolerance: 1e-10),
        ]
        let bad = results.filter { !$0.ok }
        fixturesOK = fixturesOK && bad.isEmpty
        let worst = results.map(\.maxAbsDifference).max() ?? 0
        print("  \(shape.padding(toLength: 10, withPad: " ", startingAt: 0))  \(results.count) tensors, worst difference "
              + String(format: "%.1e", worst) + (bad.isEmpty ? "   OK" : "   NOT OK"))
        for r in bad { print("      " + r.description) }
    } catch {
        print("  \(name): \(error)")
        fixturesOK = false
    }
}

// MARK: 3. Gradient check

heading("3. Gradient check of your backward pass, gate by gate (Double; README, section 6)")
print("""
Every parameter is checked one gate block at a time (rows k·H..<(k+1)·H), so a mistake shows up
as "weight_hh, forget gate (f)". Loss L = Σ h'⊙Gh + Σ c'⊙Gc with random Gh, Gc; relative error
|a - n| / max(1e-8, |a| + |n|), worst entry; OK means ≤ \(tolerance) (README section 6).

""")
var rng = SeededRNG(seed: 2026)
var checkCell = LSTMCell<Double>(inputSize: 6, hiddenSize: 5, rng: &rng)
checkCell.parameters.weightIH.scale(by: 2)  // larger weights: gates away from 0.5, a harder test
let checkX = Tensor<Double>.normal([3, 6], rng: &rng)
let checkState = LSTMState<Double>(h: .normal([3, 5], rng: &rng), c: .normal([3, 5], rng: &rng))
let checkUpstream = LSTMState<Double>(h: .normal([3, 5], rng: &rng), c: .normal([3, 5], rng: &rng))
let lstmRows = lstmCellGradientCheck(checkCell, x: checkX, state: checkState, upstream: checkUpstream)
print("LSTMCell(6, 5), batch 3, fourth-order differences with ε = 1e-3:\n")
print(formatGateGradientCheck(lstmRows, tolerance: tolerance))
let lstmOK = lstmRows.allSatisfy { $0.result.passed(tolerance: tolerance) }
print(lstmOK ? "\nAll \(lstmRows.count) rows OK." : "\nNOT OK: the first failing row names the gate whose line in backward to re-derive.")

let plainRows = lstmCellGradientCheck(checkCell, x: checkX, state: checkState, upstream: checkUpstream,
                                      difference: .centred(epsilon: 1e-6))
let worstPlain = plainRows.map(\.result.relativeError).max() ?? 0
let worstFourth = lstmRows.map(\.result.relativeError).max() ?? 0
print(String(format: """

Why fourth order: the same check with the plain centred difference (ε = 1e-6) has a worst
relative error of %.1e; the fourth-order one %.1e. The plain one loses ~1e-16·|L|/ε to rounding,
which is a large share of the small gradient entries (README section 6).
""", worstPlain, worstFourth))

print("""

What a bug looks like. The same check, on the cell of section 1, of a backward pass with the
most common LSTM mistake, the dh′ path into c′ missing from dĉ (README section 4):

""")
do {
    let buggyRows = try CommonBug.check(try Fixture.load(Derivation.fixtureName))
    print(formatGateGradientCheck(buggyRows.filter { $0.tensor == "weight_hh" || $0.gate.isEmpty }, tolerance: tolerance))
    print("""

    Some gates are NOT OK and one is OK: the ones whose gradient passes through dĉ, and the one
    whose gradient does not. Your graph of section 4 says which is which. Each NOT OK row points
    at the line of the derivation to re-read.
    """)
} catch {
    print("  \(Derivation.fixtureName): \(error) (regenerate with .venv/bin/python Tools/fixtures/lesson3.py)")
}

func rowsJSON(_ rows: [GateGradientCheckRow]) -> [[String: Any]] {
    rows.map {
        ["tensor": $0.tensor, "gate": $0.gate, "relative_error": $0.result.relativeError,
         "worst_index": $0.result.worstIndex, "analytic": $0.result.analytic, "numeric": $0.result.numeric,
         "entries_checked": $0.result.checked, "ok": $0.result.passed(tolerance: tolerance)] as [String: Any]
    }
}

func writeGradcheck(_ cells: [String: [GateGradientCheckRow]]) {
    let doc: [String: Any] = [
        "lesson": 3,
        "tolerance": tolerance,
        "difference": "fourth-order (Richardson) centred difference, epsilon 1e-3",
        "loss": "sum(h' * Gh) + sum(c' * Gc), random Gh, Gc",
        "fixtures_match_pytorch": fixturesOK,
        "cells": cells.mapValues(rowsJSON),
        "all_ok": cells.values.allSatisfy { $0.allSatisfy { $0.result.passed(tolerance: tolerance) } },
    ]
    do {
        try output.writeJSON(doc, to: "gradcheck.json")
    } catch {
        print("Could not write \(output.file("gradcheck.json")): \(error)")
    }
}
writeGradcheck(["lstm": lstmRows])
print("Wrote \(output.file("gradcheck.json"))")

// MARK: 4. Float

heading("4. Float against Double (README, section 7)")
let floatCell = LSTMCell<Float>(parameters: LSTMParameters<Float>(checkCell.parameters))
let (floatNext, floatCache) = floatCell.forward(Tensor<Float>(checkX), state: LSTMState<Float>(checkState))
let (floatDx, _, floatGrads) = floatCell.backward(dh: Tensor<Float>(checkUpstream.h), dc: Tensor<Float>(checkUpstream.c), cache: floatCache)
let (doubleNext, doubleCache) = checkCell.forward(checkX, state: checkState)
let (doubleDx, _, doubleGrads) = checkCell.backward(dh: checkUpstream.h, dc: checkUpstream.c, cache: doubleCache)
for c in [compare("h' (Float)", got: floatNext.h, expected: doubleNext.h, tolerance: 2e-5),
          compare("dx (Float)", got: floatDx, expected: doubleDx, tolerance: 2e-5),
          compare("dW_hh (Float)", got: floatGrads.weightHH, expected: doubleGrads.weightHH, tolerance: 2e-5)] {
    print("  " + c.description)
}
print("Float keeps ~7 digits: agreement to a few 1e-6 is what a correct cell shows (README section 7).")

// MARK: 5. Gates at work

heading("5. The gates at work: a hand-set LSTM unit as a latch (README, section 1)")
print("""
One unit, input (value, write, erase). Weights set by hand: i ≈ σ(8·write - 4) opens only on
"write", f ≈ σ(4 - 8·erase) closes only on "erase", g = tanh(2·value). Between events the value
input is noise; watch c ignore it.

""")
let trace = LatchFigure.run()
print("   t   event           i      f        c")
for (t, text) in trace.events {
    for s in [t, t + 1] where s < trace.c.count {
        let event = (s == t ? text : "").padding(toLength: 11, withPad: " ", startingAt: 0)
        print(String(format: "  %2d   ", s) + event + String(format: "  %5.3f  %5.3f  %6.3f", trace.i[s], trace.f[s], trace.c[s]))
    }
}
let chart = LatchFigure.chart(trace)
if output.save(chart, "gates.png", width: 900, height: 520) {
    // The terminal has room for the three lines that tell the story; the PNG also shows the noise.
    var text = chart
    text.series.removeAll { if case .points = $0 { return true } else { return false } }
    if let drawn = try? text.renderText(width: 78, height: 26) { print("\n" + drawn) }
    print("Wrote \(output.file("gates.png"))")
}

// MARK: 6. Further exercises

heading("6. Further exercises: RNNCell and GRUCell (README sections 8 and 9)")
print("If these are not written yet, the program stops here with a note saying where to start.\n")
let rnnCell = RNNCell<Double>(inputSize: 4, hiddenSize: 5, rng: &rng)
let rnnX = Tensor<Double>.normal([2, 4], rng: &rng)
let rnnH = Tensor<Double>.normal([2, 5], rng: &rng)
let rnnUp = Tensor<Double>.normal([2, 5], rng: &rng)
let rnnRows = rnnCellGradientCheck(rnnCell, x: rnnX, h: rnnH, upstream: rnnUp)
print("RNNCell(4, 5), batch 2:\n" + formatGateGradientCheck(rnnRows, tolerance: tolerance))
writeGradcheck(["lstm": lstmRows, "rnn": rnnRows])

let gruCell = GRUCell<Double>(inputSize: 4, hiddenSize: 5, rng: &rng)
let gruRows = gruCellGradientCheck(gruCell, x: rnnX, h: rnnH, upstream: rnnUp)
print("\nGRUCell(4, 5), batch 2:\n" + formatGateGradientCheck(gruRows, tolerance: tolerance))
writeGradcheck(["lstm": lstmRows, "rnn": rnnRows, "gru": gruRows])
print("Wrote \(output.file("gradcheck.json"))")

print(String(format: "\nDone in %.1f s. Next: Lesson 4 unrolls this cell over time.", Date().timeIntervalSince(started)))
