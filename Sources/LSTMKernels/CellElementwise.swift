// The elementwise part of one LSTM step for one sequence, forward and backward: the fused layer's
// time loops call these once per row.
//
// They are written with SIMD8<Float> for Float: the plain loop over u reads and writes nine
// arrays, and the compiler will not vectorise a loop whose pointers it cannot prove apart (with
// overflow checks on every index besides); in the Lesson 5 model that scalar loop was a fifth
// of a training step. Each lane does the same operations in the same order as the scalar loop,
// so the numbers are the same to the bit. Double (the gradient checks) keeps the scalar loop.

import TensorCore

/// Eight Floats at p + offset.
@inline(__always)
private func load8(_ p: UnsafePointer<Float>, _ offset: Int) -> SIMD8<Float> {
    UnsafeRawPointer(p + offset).loadUnaligned(as: SIMD8<Float>.self)
}

@inline(__always)
private func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ offset: Int) {
    UnsafeMutableRawPointer(p + offset).storeBytes(of: v, as: SIMD8<Float>.self)
}

@inline(__always)
private func floats<T>(_ p: UnsafePointer<T>) -> UnsafePointer<Float> {
    UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
}

@inline(__always)
private func floats<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
}

/// gates: one row [4H] after the nonlinearities (i | f | g | o), cPrev: [H] ->
/// c = f⊙c_prev + i⊙g, tanhC = tanh(c), h = o⊙tanh(c), [H] each.
@inline(__always)
func cellForward<T: TensorScalar>(gates: UnsafePointer<T>, cPrev: UnsafePointer<T>, c: UnsafeMutablePointer<T>,
                                  tanhC: UnsafeMutablePointer<T>, h: UnsafeMutablePointer<T>, hiddenSize hs: Int) {
    if T.self == Float.self {
        cellForwardFloat(gates: floats(gates), cPrev: floats(cPrev), c: floats(c), tanhC: floats(tanhC), h: floats(h), hs: hs)
        return
    }
    cellUpdate(gates: gates, cPrev: cPrev, c: c, tanhC: tanhC, hiddenSize: hs, units: 0..<hs)
    fastTanhInPlace(tanhC, count: hs)
    outputGate(gates: gates, tanhC: tanhC, h: h, hiddenSize: hs, units: 0..<hs)
}

/// c = tanhC = f⊙c_prev + i⊙g over `units`: the scalar loop (Double, and Float's last H mod 8).
@inline(__always)
private func cellUpdate<T: TensorScalar>(gates: UnsafePointer<T>, cPrev: UnsafePointer<T>, c: UnsafeMutablePointer<T>,
                                         tanhC: UnsafeMutablePointer<T>, hiddenSize hs: Int, units: Range<Int>) {
    for u in units {
        let cell = gates[hs + u] * cPrev[u] + gates[u] * gates[2 * hs + u]
        c[u] = cell
        tanhC[u] = cell
    }
}

/// h = o⊙tanh(c) over `units`.
@inline(__always)
private func outputGate<T: TensorScalar>(gates: UnsafePointer<T>, tanhC: UnsafePointer<T>, h: UnsafeMutablePointer<T>,
                                         hiddenSize hs: Int, units: Range<Int>) {
    for u in units { h[u] = gates[3 * hs + u] * tanhC[u] }
}

private func cellForwardFloat(gates: UnsafePointer<Float>, cPrev: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>,
                              tanhC: UnsafeMutablePointer<Float>, h: UnsafeMutablePointer<Float>, hs: Int) {
    let (i, f, g, o) = (gates, gates + hs, gates + 2 * hs, gates + 3 * hs)
    let vectorEnd = hs & ~7
    var u = 0
    while u < vectorEnd {
        let cell = load8(f, u) * load8(cPrev, u) + load8(i, u) * load8(g, u)
        store8(cell, c, u)
        store8(cell, tanhC, u)
        u &+= 8
    }
    cellUpdate(gates: gates, cPrev: cPrev, c: c, tanhC: tanhC, hiddenSize: hs, units: vectorEnd..<hs)
    FastMath.tanh(tanhC, count: hs)
    u = 0
    while u < vectorEnd {
        store8(load8(o, u) * load8(tanhC, u), h, u)
        u &+= 8
    }
    outputGate(gates: gates, tanhC: tanhC, h: h, hiddenSize: hs, units: vectorEnd..<hs)
}

/// One row of the step's backward. gates [4H] (i | f | g | o after the nonlinearities), tanhC,
/// cPrev [H] from forward; dhAbove = ∂L/∂h from the layer's output, dhCarry = ∂L/∂h from the
/// next step, dcCarry = ∂L/∂c from the next step [H] each -> dGates [4H] (∂L/∂ of the gates'
/// pre-activations), and dcCarry overwritten by ∂L/∂c_prev.
@inline(__always)
func cellBackward<T: TensorScalar>(gates: UnsafePointer<T>, tanhC: UnsafePointer<T>, cPrev: UnsafePointer<T>,
                                   dhAbove: UnsafePointer<T>, dhCarry: UnsafePointer<T>, dcCarry: UnsafeMutablePointer<T>,
                                   dGates: UnsafeMutablePointer<T>, hiddenSize hs: Int) {
    if T.self == Float.self {
        cellBackwardFloat(gates: floats(gates), tanhC: floats(tanhC), cPrev: floats(cPrev), dhAbove: floats(dhAbove),
                          dhCarry: floats(dhCarry), dcCarry: floats(dcCarry), dGates: floats(dGates), hs: hs)
        return
    }
    cellBackwardScalar(gates: gates, tanhC: tanhC, cPrev: cPrev, dhAbove: dhAbove, dhCarry: dhCarry, dcCarry: dcCarry,
                       dGates: dGates, hiddenSize: hs, units: 0..<hs)
}

/// cellBackward over `units`: the scalar loop (Double, and Float's last H mod 8).
@inline(__always)
private func cellBackwardScalar<T: TensorScalar>(gates: UnsafePointer<T>, tanhC: UnsafePointer<T>, cPrev: UnsafePointer<T>,
                                                 dhAbove: UnsafePointer<T>, dhCarry: UnsafePointer<T>,
                                                 dcCarry: UnsafeMutablePointer<T>, dGates: UnsafeMutablePointer<T>,
                                                 hiddenSize hs: Int, units: Range<Int>) {
    for u in units {
        let i = gates[u], f = gates[hs + u], gg = gates[2 * hs + u], o = gates[3 * hs + u]
        let t = tanhC[u]
        let dH = dhAbove[u] + dhCarry[u]
        let dCell = dcCarry[u] + dH * o * (1 - t * t)
        dGates[u] = dCell * gg * i * (1 - i)
        dGates[hs + u] = dCell * cPrev[u] * f * (1 - f)
        dGates[2 * hs + u] = dCell * i * (1 - gg * gg)
        dGates[3 * hs + u] = dH * t * o * (1 - o)
        dcCarry[u] = dCell * f
    }
}

private func cellBackwardFloat(gates: UnsafePointer<Float>, tanhC: UnsafePointer<Float>, cPrev: UnsafePointer<Float>,
                               dhAbove: UnsafePointer<Float>, dhCarry: UnsafePointer<Float>, dcCarry: UnsafeMutablePointer<Float>,
                               dGates: UnsafeMutablePointer<Float>, hs: Int) {
    let (gi, gf, gg, go) = (gates, gates + hs, gates + 2 * hs, gates + 3 * hs)
    let (di, df, dg, dO) = (dGates, dGates + hs, dGates + 2 * hs, dGates + 3 * hs)
    let one = SIMD8<Float>(repeating: 1)
    let vectorEnd = hs & ~7
    var u = 0
    while u < vectorEnd {
        let i = load8(gi, u), f = load8(gf, u), g = load8(gg, u), o = load8(go, u)
        let t = load8(tanhC, u)
        let dH = load8(dhAbove, u) + load8(dhCarry, u)
        let dCell = load8(dcCarry, u) + dH * o * (one - t * t)
        store8(dCell * g * i * (one - i), di, u)
        store8(dCell * load8(cPrev, u) * f * (one - f), df, u)
        store8(dCell * i * (one - g * g), dg, u)
        store8(dH * t * o * (one - o), dO, u)
        store8(dCell * f, dcCarry, u)
        u &+= 8
    }
    cellBackwardScalar(gates: gates, tanhC: tanhC, cPrev: cPrev, dhAbove: dhAbove, dhCarry: dhCarry, dcCarry: dcCarry,
                       dGates: dGates, hiddenSize: hs, units: vectorEnd..<hs)
}

/// row[u] += bias[u] for u < count: a step's gate rows get b_ih + b_hh (eight lanes at a time
/// for Float, as the cell's loops).
@inline(__always)
func addRow<T: TensorScalar>(_ bias: UnsafePointer<T>, to row: UnsafeMutablePointer<T>, count: Int) {
    var u = 0
    if T.self == Float.self {
        let (b, r) = (floats(bias), floats(row))
        while u + 8 <= count {
            store8(load8(r, u) + load8(b, u), r, u)
            u += 8
        }
    }
    while u < count {
        row[u] += bias[u]
        u += 1
    }
}
