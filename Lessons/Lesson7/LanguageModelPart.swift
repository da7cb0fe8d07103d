// Lesson 7 walkthrough, part 2: language models that pretrain Lesson 5's encoder
// (`make lesson7`, `make lesson7 PART=2`, QUICK=1 for a short run).
//
// 7. The text as one stream: training + unlabelled reviews (never the test reviews), a held-out
//    slice of unlabelled reviews for perplexity, Lesson 5's vocabulary; your batchify on it.
// 8. Your pieces: the sampled-softmax gradient against centred differences, the provided kernel
//    against your gradient, truncated BPTT on a small stream (state carried against state reset).
// 9. Pretraining: the forward and the backward model (sharing one embedding, from GloVe),
//    tokens/s, held-out perplexity curves (lm/perplexity.png); resumable (lm/lm.ckpt), cached
//    (lm/encoder.ckpt, RETRAIN=1 trains again).
// 10. Fine-tuning (SENTIMENT=1): Lesson 5's model from the pretrained encoder, with and without
//     adversarial training, and the table of every start that has a result in out/lesson7
//     (random, GloVe, our word2vec, the encoder, the encoder with adversarial training).

import CourseData
import Foundation
import Gnuplot
import LanguageModelKernels
import Lesson2
import Lesson4
import Lesson5
import Lesson7
import TensorCore
import Training
import WalkthroughSupport

struct LanguageModelPartOptions {
    var quick: Bool
    var retrain: Bool
    var sentiment: Bool
    var seed: UInt64?
    /// Pretraining epochs (LM_EPOCHS; nil: 1).
    var epochs: Int?
    var walkthrough: WalkthroughOptions
    var out: OutputFolder
    /// Lesson 5's options for a run into a folder: the same for every start (section 6's).
    var sentimentOptions: (_ folder: String) -> SentimentRunOptions
}

/// Part 2's sections; returns its figures for metrics.json.
func runLanguageModelPart(_ p: LanguageModelPartOptions) throws -> [String: Any] {
    let w = p.walkthrough
    let out = OutputFolder(p.out.path + "/lm")
    try FileManager.default.createDirectory(atPath: out.path, withIntermediateDirectories: true)
    var figures: [String: Any] = [:]
    print("""

    Part 2: language models. An LSTM that predicts the next word of a review, and one that predicts
    the previous word, trained on the same reviews: the two directions of Lesson 5's encoder,
    learned without a label. Your sampled softmax and truncated BPTT drive the provided trainer.
    """)

    // MARK: 7. The stream

    heading("7. The text as one stream (README, section 11)")
    let trainingCount = w.sized(p.quick ? 800 : 25_000, smoke: 0)
    let unlabeledCount = w.sized(p.quick ? 1_630 : 50_000, smoke: 0)
    let heldOutCount = w.sized(p.quick ? 30 : 60, smoke: 0)
    var trainingTexts: [String] = [], unlabeledTexts: [String] = [], heldOutTexts: [String] = []
    var source = ""
    do {
        if w.smoke { throw DataUnavailable(dataset: "IMDB", searched: [], download: "") }
        let unlabeled = try IMDB.loadUnlabeled(limit: unlabeledCount)
        trainingTexts = try IMDB.loadDirectory(try IMDB.officialTree(), split: "train", limit: trainingCount, badRows: .fail).reviews.map(\.text)
        unlabeledTexts = Array(unlabeled.dropLast(heldOutCount))
        heldOutTexts = Array(unlabeled.suffix(heldOutCount))
        source = "IMDB: \(trainingTexts.count) training + \(unlabeledTexts.count) unlabelled reviews; \(heldOutTexts.count) other unlabelled reviews held out (the test reviews are never read)"
    } catch {
        let count = w.sized(p.quick ? 1_500 : 6_000, smoke: 200)
        let generated = GeneratedReviews.make(count: count + count / 20, seed: 11).map(\.text)
        trainingTexts = Array(generated.prefix(count / 3))
        unlabeledTexts = Array(generated[(count / 3)..<count])
        heldOutTexts = Array(generated.suffix(count / 20))
        source = "generated reviews: \(count) for training, \(count / 20) held out"
        if !w.smoke { print("The IMDB reviews are not in \(DataPaths.shared)/imdb: the language models learn from generated reviews.") }
    }
    print(source)
    let clock = Date()
    let vocabularySize = w.sized(50_000, smoke: 500)
    let corpus = LanguageModelCorpus(trainingReviews: trainingTexts, unlabeledReviews: unlabeledTexts, heldOutReviews: heldOutTexts,
                                     vocabularySize: vocabularySize)
    let unknownShare = Double(corpus.counts[Vocabulary.unk]) / Double(max(corpus.stream.count, 1))
    print(String(format: "Tokenized in %.1f s: ", Date().timeIntervalSince(clock))
          + "\(EpochTable.grouped(corpus.stream.count)) tokens for training, \(EpochTable.grouped(corpus.heldOut.count)) held out; "
          + "vocabulary \(EpochTable.grouped(corpus.vocabulary.count)) words (Lesson 5's: training reviews, seen twice); "
          + String(format: "%.1f%% of the tokens are <unk>; <pad> ends each review.", 100 * unknownShare))
    let example = batchify(Array(corpus.stream.prefix(12)), streams: 3)
    print("Your batchify on the first 12 ids, B = 3 (one row per step, one column per stream):")
    for row in example { print("  " + row.map { pad(corpus.vocabulary.words[Int($0)], 12) }.joined()) }
    figures["corpus"] = ["source": source, "tokens": corpus.stream.count, "held_out_tokens": corpus.heldOut.count,
                         "vocabulary": corpus.vocabulary.count, "unknown_share": unknownShare]

    // MARK: 8. Your pieces

    heading("8. Your pieces: the sampled softmax and truncated BPTT (README, sections 12-15)")
    var rng = SeededRNG(seed: 4)
    let probeNoise = noiseDistribution(counts: [3, 40, 25, 12, 9, 6, 4, 2, 1, 1, 7, 5])
    let probe = SampledSoftmaxBatch(targets: [2, 7, 5, 2, 9], samples: [3, 1, 5, 3, 10], noise: probeNoise)
    let h0 = Tensor<Double>.normal([5, 6], std: 0.8, rng: &rng), w0 = Tensor<Double>.normal([12, 6], std: 0.7, rng: &rng)
    let b0 = Tensor<Double>.normal([12], std: 0.3, rng: &rng)
    let g = sampledSoftmaxGradients(hidden: h0, weight: w0, bias: b0, batch: probe)
    let check = GradientCheck(epsilon: 1e-5)
    let results = [check.check("dHidden", analytic: g.hidden, at: h0) { sampledSoftmaxLoss(hidden: $0, weight: w0, bias: b0, batch: probe) },
                   check.check("dWeight", analytic: g.weight, at: w0) { sampledSoftmaxLoss(hidden: h0, weight: $0, bias: b0, batch: probe) },
                   check.check("dBias", analytic: g.bias, at: b0) { sampledSoftmaxLoss(hidden: h0, weight: w0, bias: $0, batch: probe) }]
    print("Your sampled-softmax gradient against centred differences (N = 5, K = 5, an accidental hit, a sample drawn twice):")
    for r in results { print("  " + (r.passed(tolerance: 1e-6) ? "OK     " : "NOT OK ") + r.description) }
    let kernel = LanguageModelTraining.checkKernel()
    print("The provided kernel (Sources/LanguageModelKernels) against your gradient, Float, largest differences:")
    print("  " + kernel.map { "\($0.name) " + String(format: "%.1e", $0.difference) }.joined(separator: ", ")
          + (kernel.allSatisfy { $0.difference < 1e-4 } ? "  OK" : "  NOT OK: the trainer would not train what your code computes"))
    figures["gradient_check"] = results.map { ["tensor": $0.name, "relative_error": $0.relativeError] }
    figures["kernel_check"] = Dictionary(uniqueKeysWithValues: kernel.map { ($0.name, Double($0.difference)) })

    // Truncated BPTT with your chunkGradients on a small stream: the second chunk's loss with the
    // carried state and from zeros.
    var small = LanguageModel<Double>(vocabularySize: 12, embeddingSize: 4, hiddenSize: 5, rng: &rng)
    small.weight = small.weight * 2
    let smallStream: [Int32] = (0..<41).map { (i: Int) -> Int32 in Int32(1 + (i * 7 + i / 3) % 11) }
    let streams = batchify(smallStream, streams: 2)
    let first = chunk(streams, start: 0, steps: 6), second = chunk(streams, start: 6, steps: 6)
    let samples = [3, 8, 1, 11]
    let smallNoise = noiseDistribution(counts: (0..<12).map { (i: Int) -> Int in i == 0 ? 1 : 2 + i })
    let a = small.chunkGradients(inputs: first.inputs, targets: first.targets, samples: samples, noise: smallNoise, carried: nil)
    let carried = small.chunkGradients(inputs: second.inputs, targets: second.targets, samples: samples, noise: smallNoise, carried: a.final)
    let reset = small.chunkGradients(inputs: second.inputs, targets: second.targets, samples: samples, noise: smallNoise, carried: nil)
    print(String(format: "Truncated BPTT on a stream of 41 ids, B = 2, T = 6: the second chunk's loss %.4f from the carried state, %.4f from zeros.",
                 carried.loss, reset.loss))

    // MARK: 9. Pretraining

    heading("9. Pretraining the forward and the backward model (README, section 16)")
    var settings = LanguageModelSettings()
    if let seed = p.seed { settings.seed = seed }
    // One epoch: four reached a lower perplexity (127 against 153) but no better classifier
    // (README, section 17), and took 48 minutes on the fastest 2-core machine, about 80 on the
    // slowest, over the hour a pretraining may take. LM_EPOCHS=4 runs them.
    settings.epochs = p.epochs ?? 1
    if p.quick { settings.evaluations = 4 }
    if w.smoke {
        (settings.embeddingSize, settings.hiddenSize, settings.streams, settings.steps, settings.samples, settings.evaluations) = (8, 8, 4, 10, 20, 2)
    }
    var embedding: Tensor<Float>
    if settings.embeddingSize == 50, FileManager.default.fileExists(atPath: WordVectors.sharedGlovePath) {
        let (matrix, coverage) = try WordVectors.load(path: WordVectors.sharedGlovePath, vocabulary: corpus.vocabulary.words, counts: nil,
                                                      seed: settings.seed &+ 5, missingRows: .normalAtFileScale)
        embedding = matrix
        print("The shared embedding starts from GloVe 6B 50d, as Lesson 5's does (\(coverage.found) of \(corpus.vocabulary.count) words).")
    } else {
        var r = SeededRNG(seed: settings.seed &+ 5)
        embedding = Tensor<Float>.normal([corpus.vocabulary.count, settings.embeddingSize], std: 0.4, rng: &r)
        print("The shared embedding starts random (GloVe is not in \(DataPaths.shared)/glove, or the sizes differ).")
    }
    let trainer = try LanguageModelTraining.trainer(corpus, initialEmbedding: embedding, settings: settings,
                                                    noiseTableSize: w.sized(WordVectorTraining.noiseTableSize, smoke: 100_000))
    let encoderPath = out.file("encoder.ckpt"), checkpointPath = out.file("lm.ckpt")
    let fingerprintPath = out.file("encoder.fingerprint"), figuresPath = out.file("training.json")
    print("Each model: embedding \(corpus.vocabulary.count)×\(settings.embeddingSize) (shared), LSTM \(settings.embeddingSize) → \(settings.hiddenSize), "
          + "output \(settings.hiddenSize) → \(corpus.vocabulary.count); B = \(settings.streams) streams, T = \(settings.steps) steps, "
          + "K = \(settings.samples) noise words, Adam \(settings.learningRate) (cosine to a tenth), clip \(settings.clipNorm), \(settings.epochs) epoch\(settings.epochs == 1 ? "" : "s"): \(trainer.totalSteps) steps.")
    var training: [String: Any] = ["settings": settings.fingerprint]
    let cached = try? String(contentsOfFile: fingerprintPath, encoding: .utf8)
    if !p.retrain, !w.smoke, cached == trainer.fingerprint, FileManager.default.fileExists(atPath: encoderPath),
       let data = try? Data(contentsOf: URL(fileURLWithPath: figuresPath)),
       let stored = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
        try trainer.resume(from: checkpointPath)
        training = stored
        print("Reusing the encoder trained earlier with these settings on this text (\(encoderPath)); RETRAIN=1 trains it again.")
    } else {
        if FileManager.default.fileExists(atPath: checkpointPath), !p.retrain, !w.smoke {
            do {
                try trainer.resume(from: checkpointPath)
                print("Resuming from \(checkpointPath): \(trainer.stepsDone) of \(trainer.totalSteps) steps done.")
            } catch {
                print("(Not resuming: \(error))")
            }
        }
        print(tableRow("step", 12, ["loss", "lr", "tokens/s", "ppl fwd", "ppl bwd", "elapsed"], width: 10))
        let summary = try trainer.train(checkpoint: w.smoke ? nil : checkpointPath, reportEverySteps: max(1, trainer.totalSteps / 20)) { r in
            print(tableRow("\(r.step)/\(r.totalSteps)", 12, [String(format: "%.3f", r.loss), String(format: "%.1e", r.learningRate),
                                                            EpochTable.grouped(Int(r.tokensPerSecond)),
                                                            r.point.map { String(format: "%.1f", $0.forwardPerplexity) } ?? "",
                                                            r.point.map { String(format: "%.1f", $0.backwardPerplexity) } ?? "",
                                                            String(format: "%.0f s", r.seconds)], width: 10))
        }
        print("\n\(EpochTable.grouped(summary.tokens)) tokens in " + String(format: "%.1f s (%.1f s of training steps, the rest evaluations and checkpoints): ", summary.seconds, summary.trainingSeconds)
              + "\(EpochTable.grouped(Int(summary.tokensPerSecond))) tokens/s, each read by both models "
              + String(format: "(%.0f%% of 2 cores busy; ", 100 * summary.cpuSeconds / max(2 * summary.seconds, 1e-9))
              + "\(EpochTable.grouped(Int(Double(summary.tokens) / max(summary.cpuSeconds, 1e-9)))) tokens per CPU-second).")
        training["tokens"] = summary.tokens
        training["seconds"] = summary.seconds
        training["training_seconds"] = summary.trainingSeconds
        training["tokens_per_second"] = summary.tokensPerSecond
        training["cpu_seconds"] = summary.cpuSeconds
        training["resumed_from_step"] = summary.resumedFromStep ?? 0
        training["seconds_in_all_runs"] = trainer.secondsTrained
        try LanguageModelTraining.writeEncoder(trainer, words: corpus.vocabulary.words, to: encoderPath)
        try out.writeJSON(training, to: "training.json")
        try AtomicFile.write(trainer.fingerprint, to: fingerprintPath)
        print("Encoder: \(encoderPath); checkpoint: \(checkpointPath).")
    }
    let history = trainer.history
    let unigram = unigramPerplexity(corpus)
    training["unigram_perplexity"] = unigram
    if let last = history.last, let firstPoint = history.first {
        print("Held-out perplexity (full softmax over \(EpochTable.grouped(corpus.vocabulary.count)) words): "
              + String(format: "forward %.1f, backward %.1f (%.0f and %.0f before training; "
                     + "a model that knew only word frequencies would score about %.0f).", last.forwardPerplexity, last.backwardPerplexity,
                     firstPoint.forwardPerplexity, firstPoint.backwardPerplexity, unigram))
        training["perplexity"] = history.map { ["step": $0.step, "tokens": $0.tokens, "forward": $0.forwardPerplexity,
                                                "backward": $0.backwardPerplexity, "training_loss": $0.trainingLoss ?? NSNull()] as [String: Any] }
        var chart = Chart(title: "Held-out perplexity (full softmax) while pretraining", xLabel: "tokens read (millions)", yLabel: "perplexity")
        let x = history.map { Double($0.tokens) / 1e6 }
        chart.add(.line(x: x, y: history.map(\.forwardPerplexity), title: "forward model"))
        chart.add(.line(x: x, y: history.map(\.backwardPerplexity), title: "backward model"))
        chart.add(.line(x: [x.first ?? 0, x.last ?? 0], y: [unigram, unigram], title: "word frequencies alone"))
        chart.extraCommands = ["set logscale y", "set key top right box opaque"]
        if out.save(chart, "perplexity.png") { print("Chart: \(out.file("perplexity.png"))") }
    }
    figures["training"] = training

    // MARK: 10. Fine-tuning

    heading("10. Lesson 5's model from the pretrained encoder (README, section 17)")
    var encoderRun = p.sentimentOptions(p.out.file("sentiment-lm"))
    encoderRun.encoder = encoderPath
    // A pretrained encoder needs less dropout than one learning from scratch: with Lesson 5's 0.5
    // it underfit (seed 1: 88.92% on test, 89.6% on its own training reviews), with 0.2 it scored
    // 90.60% (README, section 17).
    encoderRun.dropout = min(encoderRun.dropout, 0.2)
    if w.smoke {
        // The smoke run's encoder is tiny: the model takes its sizes (and no GloVe).
        (encoderRun.embedding, encoderRun.embeddingSize, encoderRun.hidden) = (.random, settings.embeddingSize, settings.hiddenSize)
    }
    let adversarialRun = adversarialFineTuning(encoderRun, folder: p.out.file("sentiment-lm-adversarial"))
    let command = commandLine(encoderRun)
    if p.sentiment || w.smoke {
        // Random embeddings and the encoder here; our word2vec and GloVe are section 6's runs.
        var random = p.sentimentOptions(p.out.file("sentiment-random"))
        random.embedding = .random
        for (name, o) in (w.smoke ? [] : [("random embeddings", random)])
            + [("LM-pretrained encoder", encoderRun), ("the encoder with adversarial training", adversarialRun)] {
            print("Training Lesson 5's model from \(name) into \(o.out) ...")
            if let result = try SentimentRun.run(o, resume: false, log: { _ in }) {
                print(String(format: "  test accuracy %.2f%%, F1 %.4f (%.1f minutes)", 100 * result.metrics.testAccuracy,
                             result.metrics.f1, result.metrics.trainingMinutes))
            }
        }
    } else {
        print("SENTIMENT=1 fine-tunes Lesson 5's model from the encoder here, with and without adversarial training (and from "
              + "random embeddings); or run it yourself:\n  \(command)\n  \(commandLine(adversarialRun))")
    }
    figures["comparison"] = comparisonTable(p.out, options: p.sentimentOptions,
                                            encoderRuns: [("LM-pretrained encoder", encoderRun), ("encoder + adversarial", adversarialRun)])
    return figures
}

/// The encoder's run with adversarial training on the embedded words (README, section 17.2):
/// ε = 2, and five epochs, since each step costs two (six took 16 minutes of training on the
/// slowest 2-core machine, over fine-tuning's 15).
func adversarialFineTuning(_ encoderRun: SentimentRunOptions, folder: String) -> SentimentRunOptions {
    var o = encoderRun
    o.out = folder
    o.adversarial = 2
    o.epochs = min(o.epochs, 5)
    return o
}

/// The perplexity of the unigram distribution of the training stream on the held-out stream:
/// what a model that ignores the context scores.
func unigramPerplexity(_ c: LanguageModelCorpus) -> Double {
    let total = Double(c.counts.reduce(0, +)), v = Double(c.counts.count)
    let logLoss = c.heldOut.reduce(0.0) { $0 - Foundation.log((Double(c.counts[Int($1)]) + 1) / (total + v)) }
    return Foundation.exp(logLoss / Double(max(c.heldOut.count, 1)))
}

/// `make sentiment ARGS="train ..."` with the options of `o` that differ from the defaults.
func commandLine(_ o: SentimentRunOptions) -> String {
    let d = SentimentRunOptions(out: o.out)
    var args = ["train"]
    if o.dataset != d.dataset { args.append("--dataset \(o.dataset.rawValue)") }
    if o.embedding != d.embedding { args.append("--embedding \(o.embedding.rawValue)") }
    if let v = o.vectors { args.append("--vectors \(v)") }
    if let e = o.encoder { args.append("--encoder \(e)") }
    if o.embedding == .random && o.embeddingSize != d.embeddingSize { args.append("--embedding-size \(o.embeddingSize)") }
    if o.hidden != d.hidden { args.append("--hidden \(o.hidden)") }
    if o.vocabularySize != d.vocabularySize { args.append("--vocabulary-size \(o.vocabularySize)") }
    if let l = o.limit { args.append("--limit \(l)") }
    if o.epochs != d.epochs { args.append("--epochs \(o.epochs)") }
    if o.maxLength != d.maxLength { args.append("--max-length \(o.maxLength)") }
    if o.judgedLength != d.judgedLength { args.append("--eval-max-length \(o.judgedLength)") }
    if o.learningRate != d.learningRate { args.append("--lr \(o.learningRate)") }
    if o.dropout != d.dropout { args.append("--dropout \(o.dropout)") }
    if let r = o.encoderRate, r != 1 { args.append("--encoder-rate " + String(format: "%g", r)) }
    if let e = o.adversarial, e != 0 { args.append("--adversarial " + String(format: "%g", e)) }
    if o.seed != d.seed { args.append("--seed \(o.seed)") }
    if o.checkpointEverySteps != d.checkpointEverySteps { args.append("--checkpoint-every \(o.checkpointEverySteps)") }
    args.append("--out \(o.out)")
    return "make sentiment ARGS=\"\(args.joined(separator: " "))\""
}

/// The table of Lesson 5's model from four starts, with the same options otherwise, and the
/// encoder's other runs: each row's test accuracy, F1 and minutes when its run is in `folder`,
/// and the command that reproduces it.
func comparisonTable(_ folder: OutputFolder, options: (String) -> SentimentRunOptions,
                     encoderRuns: [(name: String, options: SentimentRunOptions)]) -> [[String: Any]] {
    var random = options(folder.file("sentiment-random"))
    random.embedding = .random
    var ours = options(folder.file("sentiment-ours"))
    ours.vectors = folder.file("vectors.vec")
    let rows: [(name: String, options: SentimentRunOptions)] = [
        ("random embeddings", random), ("GloVe 6B 50d", options(folder.file("sentiment-glove"))),
        ("our word2vec", ours),
    ] + encoderRuns
    var table: [[String: Any]] = []
    print("\nLesson 5's model from four starts, and with adversarial training (same split and seed, settings as in each command; the runs found in \(folder.path)):")
    print(tableRow("start", 24, ["test acc.", "F1", "minutes"], width: 10) + "  command")
    for row in rows {
        let command = commandLine(row.options)
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: row.options.out + "/metrics.json")),
              let m = try? JSONDecoder().decode(SentimentMetrics.self, from: data) else {
            print(tableRow(row.name, 24, ["-", "-", "-"], width: 10) + "  " + command)
            continue
        }
        print(tableRow(row.name, 24, [String(format: "%.2f%%", 100 * m.testAccuracy), String(format: "%.4f", m.f1),
                                      String(format: "%.1f", m.trainingMinutes)], width: 10) + "  " + command)
        table.append(["start": row.name, "test_accuracy": m.testAccuracy, "f1": m.f1, "training_minutes": m.trainingMinutes, "command": command])
    }
    return table
}
