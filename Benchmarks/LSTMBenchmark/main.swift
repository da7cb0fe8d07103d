// LSTMBenchmark (`make bench`): training throughput of the reference LSTM layer, release build.
//
//     swift run -c release --scratch-path .build-solutions LSTMBenchmark [--quick] [--save-baseline]
//
// Prints, in one run:
//   1. the ceiling: OpenBLAS sgemm GFLOP/s on a large square product (all cores), and on the
//      shapes an LSTM step actually multiplies;
//   2. training throughput (forward + backward, no optimiser step) for B = 64 with IMDB-like
//      lengths, for (a) nn.LSTM(100, 256) and (b) nn.LSTM(50, 128, bidirectional=True):
//      real tokens per second, GFLOP/s and the share of the sgemm ceiling, in 5 rounds that each
//      time the ceiling, the layer and (with --torch) PyTorch back to back; medians of the rounds.
//      The batches are bucketed as training makes them (CourseData's BucketedBatcher) and as
//      PyTorch is given them: the lengths of all batches sorted, cut into batches of 64, each
//      padded to its own longest; (a) is also timed on the batches as drawn (lengths mixed, each
//      batch padded to its longest), for information;
//   3. the verdict, in ratios only: each share of the ceiling against its target and against an
//      earlier run's share on the same processor model (Benchmarks/lstm-baseline.json; `make
//      bench ARGS=--save-baseline` writes this processor's entry from this run: do that on a
//      quiet machine), and, with `--torch PYTHON`, each
//      layer's tokens/s against PyTorch's nn.LSTM timed in the same rounds on the same batches
//      (Tools/bench/torch_lstm.py; `make bench` passes the repository's .venv when it has torch).
//
// FLOPs count real (unpadded) tokens only: per token and direction the six matrix products
// of forward and backward cost 2·4H·E (X W_ihᵀ) + 2·4H·H (h W_hhᵀ) forward, and twice that
// backward (dx and dW_ih; dh and dW_hh): 24·H·(E + H) in all. Elementwise work is not counted.
//
// Lengths: the word counts of the real IMDB training reviews (through CourseData, when
// ../shared/data/imdb is there), truncated at 400; words are runs of [a-z0-9'] in the
// lower-cased text with "<br />" removed, which gives a mean of 207.9 at 400. Without the data
// (or with --fit) the lengths come from a log-normal fitted to those counts: log(length) has
// mean 5.2395 and standard deviation 0.6444 (median 174 words, mean 234, 13% longer than 400).

import CourseData
import Foundation
import Lesson3
import Lesson4
import LSTMKernels
import TensorCore

// The kernels make would choose, when started by hand (NativeBLASKernels says why).
NativeBLASKernels.relaunchIfNeeded()
let quick = CommandLine.arguments.contains("--quick")
/// `--only a`, `--only a0`, `--only a2` or `--only b`: one configuration (for profiling).
let only: String? = CommandLine.arguments.firstIndex(of: "--only").flatMap { i in
    i + 1 < CommandLine.arguments.count ? CommandLine.arguments[i + 1] : nil
}
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
print("LSTM benchmark (release build, \(cores) cores, OpenBLAS \(Parallel.blasThreads) threads with its \(Parallel.blasKernels) kernels, load average \(loadAverage()) at the start)")
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
print(String(format: "   sgemm 2048 x 2048 x 2048, %d threads: %7.1f GFLOP/s  (timed again before each layer below)", Parallel.blasThreads, peak))
for (m, h) in [(64, 256), (64, 128)] {
    let all = sgemmGFLOPs(m: m, n: 4 * h, k: h, transB: true, minimum: 0.3)
    let saved = Parallel.blasThreads
    Parallel.blasThreads = 1
    let one = sgemmGFLOPs(m: m, n: 4 * h, k: h, transB: true, minimum: 0.3)
    Parallel.blasThreads = saved
    Parallel.blasThreads = 1
    let half = sgemmGFLOPs(m: m / 2, n: 4 * h, k: h, transB: true, minimum: 0.3)
    Parallel.blasThreads = saved
    print(String(format: "   one LSTM step h·W_hhᵀ [%d, %d]x[%d, %d]: %6.1f GFLOP/s (%d threads), %6.1f GFLOP/s (1 thread); [%d, %d]: %6.1f (1 thread)",
                 m, h, h, 4 * h, all, saved, one, m / 2, h, half))
}

// MARK: 2. Training throughput

/// Words in a review: runs of [a-z0-9'] (either case), "<br />" not counted.
func wordCount(_ text: String) -> Int {
    var words = 0, inWord = false
    for byte in text.replacingOccurrences(of: "<br />", with: " ").utf8 {
        let isWordByte = (byte >= 97 && byte <= 122) || (byte >= 65 && byte <= 90) || (byte >= 48 && byte <= 57) || byte == 39
        if isWordByte && !inWord { words += 1 }
        inWord = isWordByte
    }
    return words
}

/// The real IMDB training reviews' word counts, or nil (no data, or --fit).
let imdbWordCounts: [Int]? = {
    guard !CommandLine.arguments.contains("--fit") else { return nil }
    let start = Date()
    guard let split = try? IMDB.loadOfficialSplit() else { return nil }
    let counts = split.train.map { wordCount($0.text) }
    print(String(format: "Lengths: word counts of the %d IMDB training reviews (read in %.1f s).", counts.count, Date().timeIntervalSince(start)))
    return counts.isEmpty ? nil : counts
}()

/// Lengths of `count` reviews truncated to 1...maxLength: drawn from the real IMDB lengths when
/// available, else from the log-normal fitted to them.
func imdbLengths(count: Int, maxLength: Int, rng: inout SeededRNG) -> [Int] {
    (0..<count).map { _ in
        let words: Double
        if let counts = imdbWordCounts {
            words = Double(counts[rng.int(below: counts.count)])
        } else {
            words = Foundation.exp(5.2395 + 0.6444 * rng.normal()).rounded()
        }
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

/// `count` batches of `batchSize` IMDB-like lengths; `bucketed`: all lengths drawn first, sorted
/// (longest first) and cut into batches, as Tools/bench/torch_lstm.py buckets them for PyTorch.
func makeBatches(count: Int, batchSize: Int, inputSize: Int, hiddenSize: Int, directions: Int, bucketed: Bool,
                 seed: UInt64) -> [Batch] {
    var rng = SeededRNG(seed: seed)
    let drawn = imdbLengths(count: count * batchSize, maxLength: 400, rng: &rng)
    let all = bucketed ? drawn.sorted(by: >) : drawn
    return (0..<count).map { i in
        let lengths = Array(all[(i * batchSize)..<((i + 1) * batchSize)])
        let t = lengths.max() ?? 1
        return Batch(x: .uniform([t, batchSize, inputSize], low: -1, high: 1, rng: &rng), lengths: lengths,
                     dOutput: .uniform([t, batchSize, directions * hiddenSize], low: -0.01, high: 0.01, rng: &rng),
                     dFinalH: .uniform([directions, batchSize, hiddenSize], low: -0.01, high: 0.01, rng: &rng))
    }
}

struct Result {
    /// Medians over the rounds.
    var tokensPerSecond: Double
    var gflops: Double
    var tokensPerCPUSecond: Double
    /// The median of the rounds' GFLOP/s over the ceiling timed just before in the same round.
    var share: Double = 0
    /// The median of the rounds' tokens/s over PyTorch's, timed right after in the same round
    /// (nil: no --torch, or it failed).
    var overTorch: Double? = nil
}

func median(_ values: [Double]) -> Double {
    let v = values.sorted()
    guard !v.isEmpty else { return 0 }
    return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
}

/// `--torch PYTHON`: a Python with torch, to time nn.LSTM beside each layer.
let torchPython: String? = CommandLine.arguments.firstIndex(of: "--torch").flatMap { i in
    i + 1 < CommandLine.arguments.count ? CommandLine.arguments[i + 1] : nil
}
let torchScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Tools/bench/torch_lstm.py").path

nonisolated(unsafe) var torchVersion = "?"

/// PyTorch's real tokens/s for nn.LSTM(e, h) on the same batches' lengths (bucketed by length,
/// see Tools/bench/torch_lstm.py), with as many threads as this process has cores; nil when it
/// cannot run.
func torchTokensPerSecond(inputSize e: Int, hiddenSize h: Int, bidirectional: Bool, lengths: [[Int]], seconds: Double) -> Double? {
    guard let python = torchPython else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [torchScript, "--input-size", "\(e)", "--hidden-size", "\(h)", "--threads", "\(cores)",
                         "--seconds", "\(seconds)"] + (bidirectional ? ["--bidirectional"] : [])
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    do {
        try process.run()
        input.fileHandleForWriting.write((try? JSONEncoder().encode(lengths)) ?? Data("[]".utf8))
        try input.fileHandleForWriting.close()
    } catch {
        print("      PyTorch: could not run \(python) \(torchScript): \(error)")
        return nil
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    struct Figures: Decodable { var tokensPerSecond: Double; var tokensPerCPUSecond: Double; var torch: String }
    guard process.terminationStatus == 0, let figures = try? JSONDecoder().decode(Figures.self, from: data) else {
        print("      PyTorch: \(torchScript) failed (exit status \(process.terminationStatus))")
        return nil
    }
    torchVersion = figures.torch
    return figures.tokensPerSecond
}

/// Rounds of (the sgemm ceiling, this layer, PyTorch's nn.LSTM) back to back. A neighbour's load
/// that comes and goes on a shared machine moves the figures of one round by 10-20%; each
/// round's ratios compare figures taken seconds apart, and the verdict takes their median.
let rounds = quick ? 1 : 5

func measure(_ name: String, inputSize e: Int, hiddenSize h: Int, bidirectional: Bool, shards: Int = 1,
             bucketed: Bool = true, withTorch: Bool = true) -> Result {
    var rng = SeededRNG(seed: 42)
    var model = LSTM<Float>(inputSize: e, hiddenSize: h, numLayers: 1, bidirectional: bidirectional, rng: &rng)
    model.kernel = .fast
    model.batchShards = shards
    let d = bidirectional ? 2 : 1
    let batches = makeBatches(count: quick ? 2 : 6, batchSize: 64, inputSize: e, hiddenSize: h, directions: d,
                              bucketed: bucketed, seed: 7)
    let tokens = batches.reduce(0) { $0 + $1.tokens }
    let padded = batches.reduce(0) { $0 + $1.x.shape[0] * 64 }
    let flopsPerToken = 24.0 * Double(h) * Double(e + h) * Double(d)
    var sink: Float = 0
    var perSecond: [Double] = [], perCPUSecond: [Double] = [], shares: [Double] = [], overTorch: [Double] = []
    for _ in 0..<rounds {
        let ceiling = sgemmGFLOPs(m: 2048, n: 2048, k: 2048, minimum: quick ? 0.3 : 0.6)
        let perPass = timePerCall(minimum: quick ? 1 : 1.5) {
            for batch in batches {
                var r = SeededRNG(seed: 0)
                let fwd = model.forward(batch.x, lengths: batch.lengths, training: true, rng: &r)
                let back = model.backward(dOutput: batch.dOutput, dFinalH: batch.dFinalH, cache: fwd.cache)
                sink += back.grads[0][0].weightHH.scalars[0]
            }
        }
        let tokensPerSecond = Double(tokens) / perPass.wall
        perSecond.append(tokensPerSecond)
        perCPUSecond.append(Double(tokens) / perPass.cpu)
        shares.append(tokensPerSecond * flopsPerToken / 1e9 / ceiling)
        if withTorch, let torch = torchTokensPerSecond(inputSize: e, hiddenSize: h, bidirectional: bidirectional,
                                                       lengths: batches.map(\.lengths), seconds: quick ? 1 : 1.5) {
            overTorch.append(tokensPerSecond / torch)
        }
    }
    precondition(sink.isFinite, "benchmark: gradients are not finite")
    let tokensPerSecond = median(perSecond)
    let gflops = tokensPerSecond * flopsPerToken / 1e9
    let meanLength = Double(tokens) / Double(64 * batches.count)
    func range(_ v: [Double], _ scale: Double, _ format: String) -> String {
        v.count < 2 ? "" : " (rounds: " + String(format: format, scale * (v.min() ?? 0)) + "-" + String(format: format, scale * (v.max() ?? 0)) + ")"
    }
    print(String(format: "   %@\n      %d batches of 64%@, mean length %.1f (padded to %.1f); ",
                 name, batches.count, bucketed ? " bucketed by length" : " as drawn", meanLength,
                 Double(padded) / Double(64 * batches.count)) + (rounds == 1 ? "1 round:" : "\(rounds) rounds, medians:"))
    print(String(format: "      %8.0f real tokens/s   %6.1f GFLOP/s   %4.1f%% of the sgemm ceiling timed in the same round",
                 tokensPerSecond, gflops, 100 * median(shares)) + range(shares, 100, "%.1f%%"))
    print(String(format: "      %8.0f real tokens per CPU-second", median(perCPUSecond)))
    if !overTorch.isEmpty {
        print(String(format: "      %8.0f real tokens/s PyTorch %@ nn.LSTM (%d threads, the same batches)",
                     tokensPerSecond / median(overTorch), torchVersion, cores))
        print(String(format: "      ours / PyTorch: %.2fx", median(overTorch)) + range(overTorch, 1, "%.2fx"))
    }
    return Result(tokensPerSecond: tokensPerSecond, gflops: gflops, tokensPerCPUSecond: median(perCPUSecond),
                  share: median(shares), overTorch: overTorch.isEmpty ? nil : median(overTorch))
}

if imdbWordCounts == nil {
    print("Lengths: the log-normal fitted to IMDB's training reviews (real data not found, or --fit).")
}
print("\n2. Training throughput: forward + backward, B = 64, IMDB lengths truncated at 400")
print("   the layer's step products (h·W_hhᵀ, dGates·W_hh): \(stepProductKernel)")
let none = Result(tokensPerSecond: 0, gflops: 0, tokensPerCPUSecond: 0)
let a = only == nil || only == "a"
    ? measure("(a) nn.LSTM(100, 256): the batch split in 2 groups on two threads, OpenBLAS 1 thread each (the default)",
              inputSize: 100, hiddenSize: 256, bidirectional: false, shards: 2) : none
if only == nil || only == "a0" {
    _ = measure("(a) nn.LSTM(100, 256) on the batches as drawn (information: PyTorch has no packed-batch figure to compare)",
                inputSize: 100, hiddenSize: 256, bidirectional: false, shards: 2, bucketed: false, withTorch: false)
}
let a2 = only == nil || only == "a2"
    ? measure("(a) the same with batchShards = 1: the whole batch, OpenBLAS \(Parallel.blasThreads) threads inside each product",
              inputSize: 100, hiddenSize: 256, bidirectional: false, shards: 1, withTorch: false) : none
let b = only == nil || only == "b"
    ? measure("(b) nn.LSTM(50, 128, bidirectional=True), the two directions on two threads",
              inputSize: 50, hiddenSize: 128, bidirectional: true) : none

// MARK: 3. The verdict, in ratios

// Tokens/s depend on the machine; the share of the sgemm ceiling measured in the same run, and
// that share against the one an earlier run reached, much less. So the verdict uses only ratios:
// on a slower machine the ceiling is lower too. Each ratio is the median over rounds that time
// both of its sides seconds apart (see `rounds`).

/// An earlier run's shares of the ceiling, per configuration.
struct Baseline: Codable {
    /// Where and how the shares were measured.
    var measured: String
    /// "a" (the better of the two ways to run nn.LSTM(100, 256)) and "b": GFLOP/s over the ceiling.
    var shareOfCeiling: [String: Double]
}

/// Benchmarks/lstm-baseline.json: one baseline per processor model, since the share of the
/// ceiling a layer can reach depends on the processor (Lesson 4's appendix: the per-step products
/// reach two thirds of the ceiling on one, more on another).
struct Baselines: Codable {
    var byProcessor: [String: Baseline]
}

/// The processor's model name, as /proc/cpuinfo gives it ("unknown" elsewhere).
let processor: String = {
    let text = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
    let line = text.split(separator: "\n").first { $0.hasPrefix("model name") }
    return line?.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
}()

let baselinePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("lstm-baseline.json").path
let baselines = FileManager.default.contents(atPath: baselinePath).flatMap { try? JSONDecoder().decode(Baselines.self, from: $0) }
    ?? Baselines(byProcessor: [:])
let earlier: Baseline? = baselines.byProcessor[processor]
/// The share of the ceiling each layer should reach: nn.LSTM(100, 256)'s products are large
/// enough for 70%; the BiLSTM's H = 128 steps are half as wide.
let targetShare = ["a": 0.7, "b": 0.5]
/// How many times PyTorch's tokens/s each layer should reach, on the same batches and cores.
let targetOverTorch = 1.5

let bestA = a.share >= a2.share ? a : a2
let judged: [(key: String, name: String, share: Double, overTorch: Double?)] = [
    ("a", "(a) nn.LSTM(100, 256), the better way", bestA, a.overTorch),
    ("b", "(b) BiLSTM(50, 128)", b, b.overTorch),
].filter { $0.2.gflops > 0 }.map { (key: String, name: String, result: Result, overTorch: Double?) in
    (key, name, result.share, overTorch)
}
print("\n3. Ratios (the verdict; the tokens/s above are information: they depend on the machine)")
print("   targets: at least " + judged.map { "\(Int((targetShare[$0.key] ?? 0) * 100))% of the sgemm ceiling for \($0.key)" }
    .joined(separator: ", ") + String(format: "; %.1fx PyTorch's tokens/s (with --torch)", targetOverTorch))
print("   earlier: " + (earlier.map { "\($0.measured) (\(baselinePath))" }
    ?? "none for this processor, \(processor), in \(baselinePath) (make bench ARGS=--save-baseline on a quiet machine adds it)"))
var belowEarlier = false, belowTarget = false
for (key, name, share, overTorch) in judged {
    let target = targetShare[key] ?? 0
    belowTarget = belowTarget || share < target || (overTorch ?? targetOverTorch) < targetOverTorch
    var line = "   " + name.padding(toLength: 40, withPad: " ", startingAt: 0)
        + String(format: "%5.1f%% of the ceiling: ", 100 * share) + (share >= target ? "meets the target" : "below the target")
    if let before = earlier?.shareOfCeiling[key] {
        let ratio = share / before
        belowEarlier = belowEarlier || ratio < 0.85
        line += String(format: "; earlier %.1f%%, now %.2fx that", 100 * before, ratio) + (ratio < 0.85 ? " (lower)" : "")
    }
    if let overTorch {
        line += String(format: "; %.2fx PyTorch", overTorch) + (overTorch >= targetOverTorch ? "" : " (below the target)")
    }
    print(line)
}
if torchPython == nil {
    print("   (no PyTorch column: make bench finds torch in .venv, see Tools/bench/torch_lstm.py, or pass TORCH_PYTHON=...)")
}
if belowEarlier || belowTarget {
    print("   A ratio below its target or a share under 0.85x the earlier one is a regression, or a busy machine (load \(loadAverage()) now):")
    print("   run again on a quiet machine before concluding.")
}
if CommandLine.arguments.contains("--save-baseline") {
    let measured = "\(ISO8601DateFormatter().string(from: Date())), \(cores) cores, "
        + String(format: "sgemm ceiling %.0f GFLOP/s, load ", peak) + loadAverage() + " (make bench ARGS=--save-baseline)"
    var updated = baselines
    updated.byProcessor[processor] = Baseline(measured: measured,
        shareOfCeiling: Dictionary(uniqueKeysWithValues: judged.map { ($0.key, ($0.share * 1000).rounded() / 1000) }))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
        try (try encoder.encode(updated) + Data("\n".utf8)).write(to: URL(fileURLWithPath: baselinePath), options: .atomic)
        print("   wrote \(baselinePath)")
    } catch {
        print("   could not write \(baselinePath): \(error)")
    }
}
print("   Load average at the end: \(loadAverage())")
