// Lesson 5 walkthrough: sentiment analysis end to end (`make lesson5`, `make lesson5 QUICK=1`).
//
// 1. The data: IMDB's official split from ../shared/data (else generated reviews, and where to
//    download IMDB), a validation split cut from train, the vocabulary, GloVe coverage.
// 2. The model: parameter counts per part, and the loss before training (≈ ln 2).
// 3. Training: the per-epoch table, a progress bar, checkpoints in out/lesson5/ every epoch
//    and every 100 steps (RESUME=1 continues a killed run), the best epoch kept. SEED=N trains
//    with another seed, in out/lesson5/seedN.
// 4. The test split, once: accuracy, precision, recall, F1, ROC AUC, PR AUC, the confusion
//    matrix; metrics.json and the charts in out/lesson5/.
// 5. The model on sentences of our own, negations included.
//
// --smoke (make test): 300 reviews a split, one epoch, a tiny model with a random embedding,
// outputs in a temporary folder; --out DIR: another folder.

import CourseData
import Foundation
import Gnuplot
import Lesson2
import Lesson4
import Lesson5
import TensorCore
import Training
import WalkthroughSupport

setvbuf(stdout, nil, _IOLBF, 0)
AllocatorTuning.keepFreedMemory()
Parallel.useOneBLASThread()   // the model's own threads use the cores
let started = Date()
let environment = ProcessInfo.processInfo.environment
let quick = (environment["QUICK"] ?? "") != "" && environment["QUICK"] != "0"
let resume = (environment["RESUME"] ?? "") != "" && environment["RESUME"] != "0"
// SEED=N: another seed of the same run (initialisation, shuffling, dropout), in out/lesson5/seedN.
let seed: UInt64? = environment["SEED"].flatMap { $0.isEmpty ? nil : UInt64($0) }
if let text = environment["SEED"], !text.isEmpty, seed == nil {
    print("SEED must be a whole number, not '\(text)'.")
    exit(2)
}
let walkthrough = WalkthroughOptions.fromCommandLine(lesson: 5)
let outDirectory = seed.map { walkthrough.outputDirectory + "/seed\($0)" } ?? walkthrough.outputDirectory

print("""
Lesson 5: sentiment analysis, end to end
----------------------------------------
Every part you wrote comes together: your tokenizer and vocabulary (Lesson 2), your embedding,
your LSTM layers over packed batches (Lessons 3 and 4), pooling, the output layer and the loss
(Lesson 1), and the optimisers of this lesson. They train on 25,000 IMDB reviews and are judged
once on 25,000 others. The text is in Lessons/Lesson5/README.md.
""")

// MARK: 1. Data

heading("1. The data (README, section 6)")
var options = SentimentRunOptions(out: outDirectory)
// KERNEL=fast or KERNEL=readable: your code or the provided kernels for the training step (the
// LSTM, embedding, dropout, pooling, Adam; default: yours on the exercises track).
options.kernel = environment["KERNEL"].flatMap(LSTMKernelChoice.init(rawValue:))
if let seed { options.seed = seed }
let haveIMDB = (try? IMDB.officialTree()) != nil
if !haveIMDB {
    print("IMDB is not in \(DataPaths.shared)/imdb, so this run trains on generated reviews instead.\n\(IMDB.officialDownload)\n")
    // The generated reviews are short, and their labels hinge on word order.
    options.dataset = .generated
    options.maxLength = 60
    options.learningRate = 1e-2
    options.epochs = 8
    options.patience = 3
    // The settings these reviews were tuned with: max pooling, the plateau schedule.
    options.pooling = .max
    options.schedule = .plateau
}
if quick {
    options.shortenForQuickRun()
    options.checkpointEverySteps = 0
}
if walkthrough.smoke {
    options.limit = 300
    options.epochs = 1
    options.hidden = 8
    options.embedding = .random
    options.embeddingSize = 16
    options.maxLength = 60
    options.vocabularySize = 5_000
    options.checkpointEverySteps = 0
}
if !FileManager.default.fileExists(atPath: WordVectors.sharedGlovePath) && options.embedding != .random {
    options.embedding = .random
    print("GloVe vectors are not in \(DataPaths.shared)/glove: the embedding starts random. (\(WordVectors.officialDownload))")
}
print(quick ? "QUICK=1: at most 5,000 reviews a split, 4 epochs, reviews cut at \(options.maxLength) tokens, learning rate \(options.learningRate), dropout \(options.dropout).\n" : "")

let (corpus, freshTask) = try SentimentRun.setUp(options, log: { print($0) })
if !corpus.isReal { print("\n(The numbers below are for the generated reviews, not IMDB.)") }
let lengths = corpus.train.sequences.map(\.count).sorted()
print("Review length in tokens (train', after cutting at \(options.maxLength)): median \(lengths[lengths.count / 2]), 90th percentile \(lengths[lengths.count * 9 / 10]), max \(lengths.last ?? 0).")
let sample = Batching.bucketed(corpus.train, batchSize: options.batchSize, seed: 1)
let padded = sample.reduce(0) { $0 + $1.maxLength * $1.batchSize }, real = sample.reduce(0) { $0 + $1.tokenCount }
print(String(format: "Bucketed batches of %d: %.1f%% of the padded positions are padding (random batches: about 40%%).",
             options.batchSize, 100 * Double(padded - real) / Double(padded)))

// MARK: 2. Model

heading("2. The model (README, section 5)")
let model = freshTask.model
print("\(SentimentRun.describe(model.config))")
var parts: [(String, Int)] = []
for (name, t) in model.modelTensors {
    let part = name.hasPrefix("lstm") ? "LSTM" : name.hasPrefix("embedding") ? "embedding" : name.hasPrefix("attention") ? "attention" : "output layer"
    if let i = parts.firstIndex(where: { $0.0 == part }) { parts[i].1 += t.count } else { parts.append((part, t.count)) }
}
for (part, n) in parts { print("  \(part.padding(toLength: 14, withPad: " ", startingAt: 0)) \(EpochTable.grouped(n).leftPadded(10)) parameters") }
print("  trainable      \(EpochTable.grouped(model.parameterCount).leftPadded(10))\(model.config.embeddingTrainable ? "" : " (the frozen embedding excluded)")")
let first = Batching.sorted(corpus.validation, batchSize: 64)[0]
var rng = SeededRNG(seed: 0)
let (logits0, _) = model.forward(ids: first.ids, lengths: first.lengths, training: false, rng: &rng)
let loss0 = zip(logits0.scalars, first.labels).reduce(0.0) { s, p in
    s + Double(max(p.0, 0) - p.0 * p.1 + Foundation.log1p(Foundation.exp(-abs(p.0))))
} / Double(first.batchSize)
print(String(format: "Before training, on 64 validation reviews: loss %.4f (a model that knows nothing says 0.5 and scores ln 2 = 0.6931).", loss0))

// MARK: 3. Training

heading("3. Training (README, section 7)")
let scheduleText = (options.schedule ?? .plateau) == .cosine
    ? "learning rate rising to \(options.learningRate) over half an epoch, then falling along a cosine to 0 at the end"
    : "learning rate \(options.learningRate) (halved when the validation loss does not improve)"
let stoppingText = options.patience > 0
    ? "at most \(options.epochs) epochs, stopping after \(options.patience) without improvement"
    : "\(options.epochs) epochs"
print("""
Adam, \(scheduleText), batches of \(options.batchSize), gradients clipped at global norm \(options.clipNorm), \
dropout \(options.dropout), \(stoppingText). Checkpoints go to \(outDirectory)/ \
(last.ckpt every epoch\(options.checkpointEverySteps > 0 ? " and every \(options.checkpointEverySteps) steps" : ""), \
best.ckpt for the model judged); kill this run and `make lesson5 RESUME=1` continues it.

""")
guard let result = try SentimentRun.run(options, resume: resume, prepared: (corpus, freshTask), log: { print($0) }) else { exit(0) }
let state = result.state
let lowest = state.history.filter { $0.validationLoss.isFinite }.min { $0.validationLoss < $1.validationLoss }
print("\(state.stopReason ?? ""); the model judged is epoch \(state.bestEpoch ?? 0)'s"
      + (state.bestEpoch == state.history.last?.epoch && state.bestEpoch != lowest?.epoch ? " (where the schedule ends)" : "")
      + String(format: "; the lowest validation loss, %.4f, was at epoch %d.", lowest?.validationLoss ?? .nan, lowest?.epoch ?? 0))

// MARK: 4. Test

heading("4. The test split, once (README, section 8)")
let m = result.metrics
let cm = m.confusionMatrix
print(String(format: """
The judged model on %d test reviews it has never seen:
  accuracy   %.2f%%
  precision  %.4f   (of the reviews called positive, how many are)
  recall     %.4f   (of the positive reviews, how many were found)
  F1         %.4f
  ROC AUC    %.4f   PR AUC (average precision) %.4f

                 predicted neg  predicted pos
  true neg       %13d  %13d
  true pos       %13d  %13d
""", m.testReviews, 100 * m.testAccuracy, m.precision, m.recall, m.f1, m.rocAUC ?? .nan, m.prAUC ?? .nan, cm[0][0], cm[0][1], cm[1][0], cm[1][1]))
let minutes = Date().timeIntervalSince(started) / 60
print(String(format: "\nEpochs %d, %.1f s per epoch on average, %@ tokens/s in training; %.1f minutes in all (this walkthrough).",
             m.epochs, m.secondsPerEpoch.reduce(0, +) / Double(max(m.epochs, 1)), EpochTable.grouped(Int(m.tokensPerSecond)) as NSString, minutes))
let kernelBatches = Array(Batching.bucketed(corpus.train, batchSize: options.batchSize, seed: 2).prefix(walkthrough.sized(8, smoke: 2)))
print("\n" + describeKernelTimes(model: result.model, used: options.kernel ?? .trackDefault,
                                  secondsPerEpoch: m.secondsPerEpoch.reduce(0, +) / Double(max(m.epochs, 1)),
                                  stepsPerEpoch: (corpus.train.count + options.batchSize - 1) / options.batchSize, batches: kernelBatches))
if corpus.isReal && !quick && !walkthrough.smoke {
    print("For comparison on IMDB: TF-IDF + logistic regression 90.8%, NBSVM 91.5%; a PyTorch BiLSTM of this size 89.3% in 8.4 minutes.")
}
if Gnuplot.isAvailable {
    for (file, chart) in SentimentRun.charts(result) where file == "loss.png" || file == "roc.png" {
        if let text = try? chart.renderText(width: 78, height: 20) { print(text) }
    }
    print("Charts: \(outDirectory)/{loss,accuracy,gradient_norm,confusion,roc,pr}.png; figures: \(outDirectory)/metrics.json")
} else {
    print("(gnuplot is not installed, so no charts: \(GnuplotError.notInstalled))")
}

// MARK: 5. Our own sentences

heading("5. Sentences of our own")
let saved = try SavedSentimentModel(checkpointPath: outDirectory + "/best.ckpt")
let sentences = [
    "A wonderful film with a brilliant cast. I loved every minute of it.",
    "This was the most boring movie I have ever seen. A waste of time.",
    "I expected to hate it, but it was actually great.",
    "I expected to love it, but it was actually terrible.",
    "Not bad at all.",
    "Not good at all.",
]
for (s, p) in zip(sentences, saved.predict(sentences)) {
    print(String(format: "  %@  %.3f  %@", p > 0.5 ? "positive" : "negative", p, s))
}
// `make lesson5` sets TRACK; `make sentiment` builds the tool on the same track and runs it.
print("""

Next: `make sentiment\(environment["TRACK"] == "solutions" ? " TRACK=solutions" : "")` builds the `sentiment` tool and prints its help
(train other models, evaluate, predict a file), and Lesson 6 says what these scores mean, calibration included.
""")

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
