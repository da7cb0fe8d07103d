// The fast skip-gram trainer: word2vec.c's training loop over a SkipGramCorpus, on several
// threads that update the same two tables without locks (Hogwild), resumable from checkpoints.
//
// For every review, in every epoch:
//   1. subsampling: each occurrence of word w is kept with probability keep[w] (Lesson 7's
//      keepProbability), dropped words leave no gap: the windows close over them;
//   2. for each kept position, a window half-width b drawn uniformly from 1...window (so near
//      words are context more often than far ones, as in word2vec.c);
//   3. for each (center, context) pair in that window, K negatives drawn from the noise table
//      (Lesson 7's NoiseTable) and one SkipGramKernel.step.
// The learning rate falls linearly from `learningRate` to 1e-4 of it over all the epochs' words.
//
// An epoch is cut into chunks of consecutive reviews; the threads split each chunk and meet at
// its end, where progress is reported and, every `checkpointSeconds`, a checkpoint is written
// (atomically: a killed run leaves the previous one). A resumed run starts at the next chunk.
// Each thread's random numbers and learning rate depend only on the seed and its place in the
// chunk, so one thread gives the same tables with or without a resume; with two, the order in
// which the threads' updates land differs from run to run, as in word2vec.c.
//
// Throughput is counted as word2vec.c counts it: raw corpus words (before subsampling) per second.

import Foundation
import TensorCore

public struct SkipGramSettings: Codable, Sendable, Equatable {
    /// E: the width of a word vector.
    public var dimension = 50
    /// The largest distance between a center and its context.
    public var window = 5
    /// K: negatives per (center, context) pair.
    public var negatives = 5
    /// The starting learning rate (word2vec.c's default for skip-gram).
    public var learningRate = 0.025
    public var epochs = 5
    public var threads = 2
    public var seed: UInt64 = 1
    /// Checkpoint and progress granularity.
    public var chunksPerEpoch = 20

    public init() {}

    /// Everything that changes the result, for checking that a checkpoint belongs to this run.
    public var fingerprint: String {
        "E\(dimension) window \(window) K \(negatives) lr \(learningRate) epochs \(epochs) threads \(threads) seed \(seed) chunks \(chunksPerEpoch)"
    }
}

/// What one chunk's end reports.
public struct SkipGramProgress: Sendable {
    public var epoch: Int
    /// Chunks finished, over all epochs.
    public var chunksDone: Int
    public var totalChunks: Int
    /// Raw corpus words processed so far in this process (a resumed run counts from its resume).
    public var words: Int
    public var seconds: Double
    public var learningRate: Double
    /// The mean example loss over a sample of this chunk's examples.
    public var loss: Double
    public var wordsPerSecond: Double { seconds > 0 ? Double(words) / seconds : 0 }
}

public struct SkipGramSummary: Sendable {
    /// Raw corpus words processed in this process, and the seconds they took.
    public var words: Int
    public var keptWords: Int
    public var examples: Int
    public var seconds: Double
    /// CPU seconds of the whole process over the same time, every thread's added up.
    public var cpuSeconds: Double
    public var resumedFromChunk: Int?
    public var wordsPerSecond: Double { seconds > 0 ? Double(words) / seconds : 0 }
    /// Words per CPU-second: one thread's throughput, whatever else the machine is running.
    public var wordsPerCPUSecond: Double { cpuSeconds > 0 ? Double(words) / cpuSeconds : 0 }
}

/// CPU seconds this process has used so far, on all its threads.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

public struct SkipGramTrainer {
    public let settings: SkipGramSettings
    public let corpus: SkipGramCorpus
    public let vocabularySize: Int
    /// [V] the probability of keeping one occurrence of each word.
    public let keep: [Float]
    /// The noise table's word ids.
    public let noise: [Int32]
    /// [V, E]: the word vectors (input vectors), what the course uses afterwards.
    public internal(set) var input: Tensor<Float>
    /// [V, E]: the context (output) vectors.
    public internal(set) var output: Tensor<Float>
    /// Chunks finished over all epochs (epochs · chunksPerEpoch when training is done).
    public internal(set) var chunksDone = 0

    public var totalChunks: Int { settings.epochs * settings.chunksPerEpoch }
    public var isFinished: Bool { chunksDone >= totalChunks }

    /// Tables initialised as word2vec.c does: input vectors uniform in ±0.5/E, output vectors 0.
    public init(corpus: SkipGramCorpus, vocabularySize: Int, keepProbabilities: [Double], noiseTable: [Int32],
                settings: SkipGramSettings) throws {
        guard keepProbabilities.count == vocabularySize else {
            throw InputError(file: "SkipGramTrainer", "\(keepProbabilities.count) keep probabilities for a vocabulary of \(vocabularySize)")
        }
        guard !noiseTable.isEmpty, noiseTable.count < 1 << 32, noiseTable.allSatisfy({ $0 >= 0 && Int($0) < vocabularySize }) else {
            throw InputError(file: "SkipGramTrainer", "the noise table is empty or holds ids outside 0..<\(vocabularySize)")
        }
        guard corpus.tokens.allSatisfy({ $0 >= 0 && Int($0) < vocabularySize }) else {
            throw InputError(file: "SkipGramTrainer", "the corpus holds ids outside 0..<\(vocabularySize)")
        }
        guard settings.dimension > 0, settings.window > 0, settings.negatives >= 0, settings.epochs > 0,
              settings.threads > 0, settings.chunksPerEpoch > 0, settings.learningRate > 0 else {
            throw InputError(file: "SkipGramTrainer", "settings out of range: \(settings.fingerprint)")
        }
        self.settings = settings
        self.corpus = corpus
        self.vocabularySize = vocabularySize
        self.keep = keepProbabilities.map { Float($0) }
        self.noise = noiseTable
        var rng = SeededRNG(seed: settings.seed)
        let half = Float(0.5) / Float(settings.dimension)
        self.input = Tensor<Float>.uniform([vocabularySize, settings.dimension], low: -half, high: half, rng: &rng)
        self.output = Tensor<Float>.zeros([vocabularySize, settings.dimension])
    }

    /// Trains the remaining chunks. `checkpoint`: the file to write every `checkpointSeconds`
    /// and at the end (nil: none); `stopAfter`: stop after that many chunks in all (a
    /// simulated kill, for tests); `report` is called after every chunk.
    @discardableResult
    public mutating func train(checkpoint: String? = nil, checkpointSeconds: Double = 30, stopAfter: Int? = nil,
                               report: (SkipGramProgress) -> Void = { _ in }) throws -> SkipGramSummary {
        let start = Date(), cpuStart = processCPUSeconds()
        var lastCheckpoint = start
        var summary = SkipGramSummary(words: 0, keptWords: 0, examples: 0, seconds: 0, cpuSeconds: 0,
                                      resumedFromChunk: chunksDone > 0 ? chunksDone : nil)
        let end = min(totalChunks, stopAfter ?? totalChunks)
        while chunksDone < end {
            let result = runChunk(chunksDone)
            chunksDone += 1
            summary.words += result.words
            summary.keptWords += result.kept
            summary.examples += result.examples
            let now = Date()
            summary.seconds = now.timeIntervalSince(start)
            if let checkpoint, chunksDone == end || now.timeIntervalSince(lastCheckpoint) >= checkpointSeconds {
                try save(to: checkpoint)
                lastCheckpoint = Date()
            }
            report(SkipGramProgress(epoch: (chunksDone - 1) / settings.chunksPerEpoch + 1, chunksDone: chunksDone,
                                    totalChunks: totalChunks, words: summary.words, seconds: summary.seconds,
                                    learningRate: learningRate(atWord: chunkStartWord(chunksDone)),
                                    loss: result.lossSamples > 0 ? result.loss / Double(result.lossSamples) : .nan))
        }
        summary.seconds = Date().timeIntervalSince(start)
        summary.cpuSeconds = processCPUSeconds() - cpuStart
        return summary
    }

    /// Reviews of chunk c (within its epoch).
    func reviews(ofChunk c: Int) -> Range<Int> {
        let n = corpus.reviewCount, k = c % settings.chunksPerEpoch
        return (n * k / settings.chunksPerEpoch)..<(n * (k + 1) / settings.chunksPerEpoch)
    }

    /// Raw words before chunk c, over all epochs.
    func chunkStartWord(_ c: Int) -> Int {
        let epoch = c / settings.chunksPerEpoch
        let first = reviews(ofChunk: c).lowerBound
        return epoch * corpus.tokenCount + (c < totalChunks ? corpus.starts[first] : 0)
    }

    func learningRate(atWord word: Int) -> Double {
        let planned = Double(settings.epochs) * Double(corpus.tokenCount) + 1
        return settings.learningRate * max(1e-4, 1 - Double(word) / planned)
    }

    private struct ChunkResult {
        var words = 0, kept = 0, examples = 0, lossSamples = 0
        var loss = 0.0
    }

    /// One chunk on `settings.threads` threads, each on its share of the chunk's reviews.
    private mutating func runChunk(_ c: Int) -> ChunkResult {
        let reviews = reviews(ofChunk: c)
        let threads = max(1, min(settings.threads, reviews.count))
        let baseWord = chunkStartWord(c)
        let settings = self.settings
        let planned = Double(settings.epochs) * Double(corpus.tokenCount) + 1
        var results = [ChunkResult](repeating: ChunkResult(), count: threads)
        let corpus = self.corpus, keep = self.keep, noise = self.noise
        input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                results.withUnsafeMutableBufferPointer { resultBuffer in
                    let inputBase = inputBuffer.baseAddress!, outputBase = outputBuffer.baseAddress!
                    let resultBase = resultBuffer.baseAddress!
                    DispatchQueue.concurrentPerform(iterations: threads) { t in
                        let mine = (reviews.lowerBound + reviews.count * t / threads)..<(reviews.lowerBound + reviews.count * (t + 1) / threads)
                        resultBase[t] = SkipGramTrainer.train(
                            reviews: mine, corpus: corpus, keep: keep, noise: noise, settings: settings,
                            input: inputBase, output: outputBase, baseWord: baseWord, threads: threads, planned: planned,
                            seed: settings.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(c) &* 1_000_003 &+ UInt64(t) &+ 1)
                    }
                }
            }
        }
        return results.reduce(into: ChunkResult()) {
            $0.words += $1.words; $0.kept += $1.kept; $0.examples += $1.examples
            $0.lossSamples += $1.lossSamples; $0.loss += $1.loss
        }
    }

    /// One thread's share of a chunk. The learning rate follows this thread's own progress,
    /// counted as if every thread went as fast (baseWord + threads · its words), so it does not
    /// depend on how the threads are scheduled.
    private static func train(reviews: Range<Int>, corpus: SkipGramCorpus, keep: [Float], noise: [Int32],
                              settings: SkipGramSettings, input: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
                              baseWord: Int, threads: Int, planned: Double, seed: UInt64) -> ChunkResult {
        var result = ChunkResult()
        var random = KernelRandom(seed: seed)
        let e = settings.dimension, k = settings.negatives, window = settings.window
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: e)
        let negatives = UnsafeMutablePointer<Int32>.allocate(capacity: max(k, 1))
        defer { scratch.deallocate(); negatives.deallocate() }
        var sentence: [Int32] = []
        var alpha = Float(settings.learningRate * max(1e-4, 1 - Double(baseWord) / planned))
        corpus.tokens.withUnsafeBufferPointer { tokens in
            keep.withUnsafeBufferPointer { keep in
                noise.withUnsafeBufferPointer { noise in
                    let noiseCount = noise.count
                    for r in reviews {
                        let lo = corpus.starts[r], hi = corpus.starts[r + 1]
                        sentence.removeAll(keepingCapacity: true)
                        for i in lo..<hi where random.unit() < keep[Int(tokens[i])] { sentence.append(tokens[i]) }
                        result.words += hi - lo
                        result.kept += sentence.count
                        alpha = Float(settings.learningRate * max(1e-4, 1 - Double(baseWord + threads * result.words) / planned))
                        let n = sentence.count
                        for position in 0..<n {
                            let center = Int(sentence[position])
                            let reach = 1 + random.below(window)
                            let measure = random.next() & 15 == 0
                            for other in max(0, position - reach)...min(n - 1, position + reach) where other != position {
                                for j in 0..<k { negatives[j] = noise[random.below(noiseCount)] }
                                let loss = SkipGramKernel.step(input: input, output: output, dimension: e, center: center,
                                                               context: Int(sentence[other]), negatives: negatives, negativeCount: k,
                                                               learningRate: alpha, scratch: scratch, measureLoss: measure)
                                result.examples += 1
                                if measure {
                                    result.loss += Double(loss)
                                    result.lossSamples += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}

/// SplitMix64: a few instructions per draw, plenty for sampling windows and negatives.
struct KernelRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<n for n < 2³², by a multiplication instead of a division (Lemire 2019;
    /// the bias is below n / 2³², nothing for a window or a table of 10⁷ slots).
    @inline(__always)
    mutating func below(_ n: Int) -> Int { Int(((next() >> 32) &* UInt64(n)) >> 32) }

    /// Uniform in [0, 1) with 24 random bits.
    @inline(__always)
    mutating func unit() -> Float { Float(next() >> 40) * 0x1.0p-24 }
}
