// LSTMBenchmark (`make bench`): training throughput of the reference LSTM layer, release build.
//
//     swift run -c release --scratch-path .build-solutions LSTMBenchmark [--quick]
//
// Prints, in one run:
//   1. the ceiling: OpenBLAS sgemm GFLOP/s on a large square product (all cores), and on the
//      shapes an LSTM step actually multiplies;
//   2. training throughput (forward + backward, no optimiser step) for B = 64 with IMDB-like
//      lengths, for (a) nn.LSTM(100, 256) and (b) nn.LSTM(50, 128, bidirectional=True):
//      real tokens per second, GFLOP/s and the share of the sgemm ceiling.
//
// FLOPs count real (unpadded) tokens only: per token and direction the six matrix products
// of forward and backward cost 2·4H·E (X W_ihᵀ) + 2·4H·H (h W_hhᵀ) forward, and twice that
// backward (dx and dW_ih; dh and dW_hh): 24·H·(E + H) in all. Elementwise work is not counted.
//
// Lengths: real IMDB training-review lengths are not read here (that needs Lesson 2's tokenizer
// and the archive); they are drawn from a log-normal fitted to them instead. Fitted on the
// 25,000 reviews of aclImdb/train, lower-cased, "<br />" removed, words = runs of [a-z0-9']:
// log(length) has mean 5.2395 and standard deviation 0.6444 (median 174 words, mean 234,
// 13% longer than 400). Truncated at 400 the real mean is 207.9; the fit gives about the same.

import Foundation
import Lesson3
import Lesson4
import TensorCore

let quick = CommandLine.arguments.contains("--quick")
AllocatorTuning.keepFreedMemory()

/// Wall-clock and CPU (user + system, all threads) seconds of the process so far.
func clocks() -> (wall: Double, cpu: Double) {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    let cpu = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    return (Double(DispatchTime.now().uptimeNanoseconds) / 1e9, cpu)
}

/// Runs body until at least `minimum` seconds have passed (after one warm-up call); returns
/// wall-clock and CPU seconds per call.
func timePerCall(minimum: Double, _ body: () -> Void) -> (wall: Double, cpu: Double) {
    body()
    var calls = 0
    let start = clocks()
    var now = start
    while now.wall - start.wall < minimum || calls < 2 {
        body()
        calls += 1
        now = clocks()
    }
    return ((now.wall - start.wall) / Double(calls), (now.cpu - start.cpu) / Double(calls))
}

/// The 1-minute load average: other processes competing for the cores make every figure lower.
func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
    return String(text.split(separator: " ").first ?? "unknown")
}

// MARK: 1. The ceiling

func sgemmGFLOPs(m: Int, n: Int, k: Int, transB: Bool = false, minimum: Double) -> Double {
    var rng = SeededRNG(seed: 1)
    let a = Tensor<Float>.uniform([m, k], low: -1, high: 1, rng: &rng)
    let b = Tensor<Float>.uniform(transB ? [n, k] : [k, n], low: -1, high: 1, rng: &rng)
    var c = Tensor<Float>(shape: [m, n])
    let t = timePerCall(minimum: minimum) { gemm(a, b, transposeB: transB, into: &c, beta: 1) }
    return 2 * Double(m) * Double(n) * Double(k) / t.wall / 1e9
}

let cores = Parallel.coreCount
print("LSTM benchmark (release build, \(cores) cores, OpenBLAS \(Parallel.blasThreads) threads, load average \(loadAverage()) at the start)")
if let load = Double(loadAverage()), load > Double(cores) + 0.5 {
    print("   The machine is busy (load \(load) on \(cores) cores): all wall-clock figures below are lower than")
    print("   on an idle machine. Run again when it is quiet; the CPU-time column estimates that case.")
}

// MARK: 0. FastMath accuracy (what the Float layer's sigmoid and tanh give up)

var worstSigmoid = 0.0, worstTanh = 0.0
var probe: Float = -87
while probe < 87 {
    let d = Double(probe)
    worstSigmoid = max(worstSigmoid, abs(Double(FastMath.sigmoid(probe)) - 1 / (1 + Foundation.exp(-d))) * (1 + Foundation.exp(-d)))
    let t = Foundation.tanh(d)
    if t != 0 { worstTanh = max(worstTanh, abs(Double(FastMath.tanh(probe)) - t) / abs(t)) }
    probe += 0.000731
}
print(String(format: "\n0. FastMath on [-87, 87]: worst relative error sigmoid %.1e, tanh %.1e", worstSigmoid, worstTanh))
print("")
print("1. sgemm ceiling")
let peak = sgemmGFLOPs(m: 2048, n: 2048, k: 2048, minimum: quick ? 0.3 : 1.5)
print(String(format: "   sgemm 2048 x 2048 x 2048, %d threads: %7.1f GFLOP/s  (the ceiling below)", Parallel.blasThreads, peak))
for (m, h) in [(64, 256), (64, 128)] {
    let all = sgemmGFLOPs(m: m, n: 4 * h, k: h, transB: true, minimum: 0.3)
    let saved = Parallel.blasThreads
    Parallel.blasThreads = 1
    let one = sgemmGFLOPs(m: m, n: 4 * h, k: h, transB: true, minimum: 0.3)
    Parallel.blasThreads = saved
    print(String(format: "   one LSTM step h·W_hhᵀ [%d, %d]x[%d, %d]: %6.1f GFLOP/s (%d threads), %6.1f GFLOP/s (1 thread)",
                 m, h, h, 4 * h, all, saved, one))
}

// MARK: 2. Training throughput

/// Lengths of `count` reviews drawn from the IMDB log-normal fit, truncated to 1...maxLength.
func imdbLengths(count: Int, maxLength: Int, rng: inout SeededRNG) -> [Int] {
    (0..<count).map { _ in
        let words = Foundation.exp(5.2395 + 0.6444 * rng.normal()).rounded()
        return Int(min(Double(maxLength), max(1, words)))
    }
}

struct Batch {
    var x: Tensor<Float>        // [T, B, E]
    var lengths: [Int]
    var dOutput: Tensor<Float>  // [T, B, D·H]
    var dFinalH: Tensor<Float>  // [L·D, B, H]
    var tokens: Int { lengths.reduce(0, +) }
}

func makeBatches(count: Int, batchSize: Int, inputSize: Int, hiddenSize: Int, directions: Int, seed: UInt64) -> [Batch] {
    var rng = SeededRNG(seed: seed)
    return (0..<count).map { _ in
        let lengths = imdbLengths(count: batchSize, maxLength: 400, rng: &rng)
        let t = lengths.max() ?? 1
        return Batch(x: .uniform([t, batchSize, inputSize], low: -1, high: 1, rng: &rng), lengths: lengths,
                     dOutput: .uniform([t, batchSize, directions * hiddenSize], low: -0.01, high: 0.01, rng: &rng),
                     dFinalH: .uniform([directions, batchSize, hiddenSize], low: -0.01, high: 0.01, rng: &rng))
    }
}

struct Result { var tokensPerSecond: Double; var gflops: Double; var tokensPerCPUSecond: Double }

func measure(_ name: String, inputSize e: Int, hiddenSize h: Int, bidirectional: Bool, shards: Int = 1) -> Result {
    var rng = SeededRNG(seed: 42)
    var model = LSTM<Float>(inputSize: e, hiddenSize: h, numLayers: 1, bidirectional: bidirectional, rng: &rng)
    model.batchShards = shards
    let d = bidirectional ? 2 : 1
    let batches = makeBatches(count: quick ? 2 : 6, batchSize: 64, inputSize: e, hiddenSize: h, directions: d, seed: 7)
    let tokens = batches.reduce(0) { $0 + $1.tokens }
    let padded = batches.reduce(0) { $0 + $1.x.shape[0] * 64 }
    var sink: Float = 0
    let perPass = timePerCall(minimum: quick ? 1 : 4) {
        for batch in batches {
            var r = SeededRNG(seed: 0)
            let fwd = model.forward(batch.x, lengths: batch.lengths, training: true, rng: &r)
            let back = model.backward(dOutput: batch.dOutput, dFinalH: batch.dFinalH, cache: fwd.cache)
            sink += back.grads[0][0].weightHH.scalars[0]
        }
    }
    precondition(sink.isFinite, "benchmark: gradients are not finite")
    let tokensPerSecond = Double(tokens) / perPass.wall
    let flopsPerToken = 24.0 * Double(h) * Double(e + h) * Double(d)
    let gflops = tokensPerSecond * flopsPerToken / 1e9
    let meanLength = Double(tokens) / Double(64 * batches.count)
    let perCPUSecond = Double(tokens) / perPass.cpu
    print(String(format: "   %@\n      %d batches of 64, mean length %.1f (padded to %.1f), %.3f s per batch",
                 name, batches.count, meanLength, Double(padded) / Double(64 * batches.count), perPass.wall / Double(batches.count)))
    print(String(format: "      %8.0f real tokens/s   %6.1f GFLOP/s   %4.1f%% of the sgemm ceiling", tokensPerSecond, gflops, 100 * gflops / peak))
    print(String(format: "      %8.0f real tokens per CPU-second (%.2f cores busy on average)",
                 perCPUSecond, perPass.cpu / perPass.wall))
    return Result(tokensPerSecond: tokensPerSecond, gflops: gflops, tokensPerCPUSecond: perCPUSecond)
}

print("\n2. Training throughput: forward + backward, B = 64, IMDB-like lengths (max 400)")
let a = measure("(a) nn.LSTM(100, 256), the batch split in 2 groups on two threads (OpenBLAS 1 thread each)",
                inputSize: 100, hiddenSize: 256, bidirectional: false, shards: 2)
let a1 = measure("(a) the same, whole batch, OpenBLAS \(Parallel.blasThreads) threads inside each product",
                 inputSize: 100, hiddenSize: 256, bidirectional: false, shards: 1)
let b = measure("(b) nn.LSTM(50, 128, bidirectional=True), the two directions on two threads",
                inputSize: 50, hiddenSize: 128, bidirectional: true)

print("\nTargets (issue 4): (a) ≥ 60,000 real tokens/s, (b) ≥ 100,000 tokens/s, ≥ 50% of the ceiling where the shapes allow.")
let bestA = max(a.tokensPerSecond, a1.tokensPerSecond)
print(String(format: "   (a) %.0f tokens/s: %@    (b) %.0f tokens/s: %@", bestA, bestA >= 60_000 ? "met" : "NOT met",
             b.tokensPerSecond, b.tokensPerSecond >= 100_000 ? "met" : "NOT met"))
print("   Load average at the end: \(loadAverage())")
