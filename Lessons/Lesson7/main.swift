// Lesson 7 walkthrough, part 1: word vectors of our own (`make lesson7`, `make lesson7 QUICK=1`).
//
// 1. The text: the 50,000 unlabelled IMDB reviews and the 25,000 training reviews (never the
//    test reviews) from ../shared/data, else generated reviews and where to download IMDB; your
//    tokenizer and a vocabulary of the words seen at least 5 times.
// 2. Your pieces: subsampling (your keepProbability next to the paper's rule), the noise
//    distribution (your unigram^0.75 next to the unigram), and your gradient against centred
//    differences.
// 3. Training: the provided fast trainer with your subsampling and noise table; words per second
//    against word2vec.c and gensim; checkpoints in out/lesson7/ (a killed run resumes), the
//    vectors cached in out/lesson7/vectors.vec (RETRAIN=1 trains again). SEED=N: another seed.
// 4. Nearest neighbours and analogies, ours next to GloVe 6B 50d.
// 5. PCA of the vectors in 2-D and 3-D (your Lesson 2 PCA; gnuplot's splot).
// 6. Lesson 5's model starting from our vectors against GloVe: SENTIMENT=1 trains both (with
//    QUICK=1 on 5,000 reviews), else the commands that do it.
// metrics.json in out/lesson7/.
//
// Part 2 (LanguageModelPart.swift): sections 7-10, the language models. PART=1 or PART=2 runs one part.
//
// --smoke (make test): 300 generated reviews, one epoch of 16-d vectors, outputs in a temporary folder.

import CourseData
import Foundation
import Gnuplot
import Lesson2
import Lesson5
import Lesson7
import TensorCore
import Training
import WalkthroughSupport
import Word2VecKernels

setvbuf(stdout, nil, _IOLBF, 0)
let environment = ProcessInfo.processInfo.environment
func flag(_ name: String) -> Bool { (environment[name] ?? "") != "" && environment[name] != "0" }
let quick = flag("QUICK")
let retrain = flag("RETRAIN")
let runSentiment = flag("SENTIMENT")
let seed: UInt64? = environment["SEED"].flatMap { $0.isEmpty ? nil : UInt64($0) }
if let text = environment["SEED"], !text.isEmpty, seed == nil {
    print("SEED must be a whole number, not '\(text)'.")
    exit(2)
}
let languageModelEpochs: Int? = environment["LM_EPOCHS"].flatMap { $0.isEmpty ? nil : Int($0) }
if let text = environment["LM_EPOCHS"], !text.isEmpty, (languageModelEpochs ?? 0) < 1 {
    print("LM_EPOCHS must be a whole number of at least 1, not '\(text)'.")
    exit(2)
}
let walkthrough = WalkthroughOptions.fromCommandLine(lesson: 7)
let out = OutputFolder(walkthrough.outputDirectory + (seed.map { "/seed\($0)" } ?? "") + (quick && !walkthrough.smoke ? "/quick" : ""))
try FileManager.default.createDirectory(atPath: out.path, withIntermediateDirectories: true)
var metrics: [String: Any] = [:]
let part = environment["PART"] ?? ""
guard ["", "1", "2"].contains(part) else {
    print("PART must be 1 (word vectors) or 2 (language models), not '\(part)'.")
    exit(2)
}
let languageModelOptions = LanguageModelPartOptions(quick: quick, retrain: retrain, sentiment: runSentiment, seed: seed, epochs: languageModelEpochs,
                                                    walkthrough: walkthrough,
                                                    out: out, sentimentOptions: { sentimentOptions(vectors: nil, folder: $0) })
if part == "2" {
    metrics["language_model"] = try runLanguageModelPart(languageModelOptions)
    try out.writeJSON(metrics, to: "metrics-lm.json")
    print("\nmetrics-lm.json and the charts are in \(out.path).")
    exit(0)
}

print("""
Lesson 7: learning from reviews nobody labelled
-----------------------------------------------
Part 1: word vectors of our own. Skip-gram with negative sampling learns a vector for every
word from nothing but which words stand near which, in 75,000 reviews whose labels it never
reads. Your loss, gradient, subsampling and noise table drive the provided fast trainer.
The text is in Lessons/Lesson7/README.md.
""")

// MARK: 1. The text

heading("1. The text (README, section 1)")
var texts: [String] = []
var isReal = true
var source = ""
let trainingReviewCount = walkthrough.sized(quick ? 2_500 : 25_000, smoke: 0)
let unlabeledCount = walkthrough.sized(quick ? 7_500 : 50_000, smoke: 0)
do {
    if walkthrough.smoke { throw DataUnavailable(dataset: "IMDB", searched: [], download: "") }
    let unlabeled = try IMDB.loadUnlabeled(limit: unlabeledCount)
    let train = try IMDB.loadDirectory(try IMDB.officialTree(), split: "train", limit: trainingReviewCount, badRows: .fail).reviews
    texts = unlabeled + train.map(\.text)
    source = "IMDB: \(unlabeled.count) unlabelled reviews + \(train.count) training reviews (the test reviews are never read)"
} catch {
    isReal = false
    let count = walkthrough.sized(quick ? 3_000 : 10_000, smoke: 300)
    texts = GeneratedReviews.make(count: count, seed: 7).map(\.text)
    source = "generated reviews: \(count) (their vocabulary is tiny, so neighbours mean little)"
    if !walkthrough.smoke {
        print("The IMDB reviews are not in \(DataPaths.shared)/imdb, so this run learns from generated reviews instead.\n"
              + "\(IMDB.unlabeledDownload)\n\(IMDB.officialDownload)\n")
    }
}
print(source)
if quick { print("QUICK=1: \(texts.count) reviews, at most 10,000 words, 3 epochs (the full run: 75,000 reviews, 5 epochs).") }
let clock = Date()
let minCount = walkthrough.sized(5, smoke: 2)
let maxWords = walkthrough.sized(quick ? 10_000 : 100_000, smoke: 2_000)
let data = WordVectorCorpus(texts: texts, maxWords: maxWords, minCount: minCount)
let vocabulary = data.vocabulary
let counts = data.corpus.counts(vocabularySize: vocabulary.count)
let totalTokens = data.corpus.tokenCount
print(String(format: "Tokenized and counted in %.1f s: ", Date().timeIntervalSince(clock))
      + "\(EpochTable.grouped(totalTokens)) tokens, \(EpochTable.grouped(vocabulary.count - 2)) words seen at least \(minCount) times "
      + "(rarer words are left out of the text, as word2vec.c does).")
metrics["corpus"] = ["source": source, "real_data": isReal, "reviews": texts.count, "tokens": totalTokens,
                     "vocabulary": vocabulary.count - 2, "min_count": minCount]

// MARK: 2. Your pieces

heading("2. Your pieces: subsampling, noise, gradient (README, sections 3-5)")
let threshold = 1e-3
let byCount = (2..<vocabulary.count).sorted { counts[$0] > counts[$1] }
let shown = Array(byCount.prefix(4)) + [byCount[min(byCount.count - 1, 60)], byCount[min(byCount.count - 1, 600)], byCount[byCount.count / 2]]
print("Subsampling, t = \(threshold): the share of each word's occurrences kept.")
print(tableRow("word", 14, ["count", "f", "keep (C)", "paper", "P_n", "unigram"], width: 11))
let noise = noiseDistribution(counts: counts)
for id in shown {
    let f = Double(counts[id]) / Double(totalTokens)
    let keep = keepProbability(count: counts[id], totalCount: totalTokens, threshold: threshold)
    print(tableRow(vocabulary.words[id], 14, [String(counts[id]), String(format: "%.2e", f), String(format: "%.3f", keep),
                                              String(format: "%.3f", min(1, (threshold / f).squareRoot())),
                                              String(format: "%.2e", noise[id]), String(format: "%.2e", f)], width: 11))
}
let keptShare = (2..<vocabulary.count).reduce(0.0) { $0 + Double(counts[$1]) * keepProbability(count: counts[$1], totalCount: totalTokens, threshold: threshold) } / Double(max(totalTokens, 1))
print(String(format: "Subsampling keeps %.1f%% of the tokens; the noise distribution gives the most frequent word %.1f%% of the negatives instead of %.1f%%.",
             100 * keptShare, 100 * noise[byCount[0]], 100 * Double(counts[byCount[0]]) / Double(max(totalTokens, 1))))
metrics["subsampling"] = ["threshold": threshold, "kept_share": keptShare]

// Your gradient on a small batch, by centred differences in Double.
var rng = SeededRNG(seed: 3)
let probeInput = Tensor<Double>.normal([12, 6], std: 0.5, rng: &rng), probeOutput = Tensor<Double>.normal([12, 6], std: 0.5, rng: &rng)
let probe = SkipGramBatch(centers: [1, 4, 1], contexts: [2, 1, 7], negatives: [3, 5, 9, 7, 11, 3, 0, 2, 2], negativesPerExample: 3)
let analytic = skipGramGradients(input: probeInput, output: probeOutput, batch: probe)
let check = GradientCheck(epsilon: 1e-5)
let results = [check.check("dW_in", analytic: analytic.input, at: probeInput) { skipGramLoss(input: $0, output: probeOutput, batch: probe) },
               check.check("dW_out", analytic: analytic.output, at: probeOutput) { skipGramLoss(input: probeInput, output: $0, batch: probe) }]
print("\nYour gradient against centred differences (3 examples, K = 3, words repeated):")
for r in results { print("  " + (r.passed(tolerance: 1e-6) ? "OK     " : "NOT OK ") + r.description) }
metrics["gradient_check"] = results.map { ["tensor": $0.name, "relative_error": $0.relativeError] }

// MARK: 3. Training

heading("3. Training the vectors (README, section 6)")
var settings = SkipGramSettings()
settings.epochs = walkthrough.sized(quick ? 3 : 5, smoke: 1)
settings.dimension = walkthrough.sized(50, smoke: 16)
settings.chunksPerEpoch = walkthrough.sized(20, smoke: 2)
if let seed { settings.seed = seed }
var trainer = try WordVectorTraining.trainer(data, settings: settings, sampleThreshold: threshold,
                                             noiseTableSize: walkthrough.sized(WordVectorTraining.noiseTableSize, smoke: 100_000))
let vectorsPath = out.file("vectors.vec")
let checkpointPath = out.file("skipgram.ckpt")
let fingerprintPath = out.file("vectors.fingerprint")
let cachedFingerprint = try? String(contentsOfFile: fingerprintPath, encoding: .utf8)
var trainingFigures: [String: Any] = ["settings": settings.fingerprint, "threads": settings.threads]
let referenceWordsPerSecondPerThread = 1_000_000.0
print("Skip-gram, E = \(settings.dimension), window 5, K = \(settings.negatives) negatives, \(settings.epochs) epoch\(settings.epochs == 1 ? "" : "s"), "
      + "learning rate \(settings.learningRate) falling linearly, \(settings.threads) threads (Hogwild).")
if !retrain, !walkthrough.smoke, cachedFingerprint == trainer.fingerprint, FileManager.default.fileExists(atPath: vectorsPath),
   let cached = try? Data(contentsOf: URL(fileURLWithPath: out.file("training.json"))),
   let figures = try? JSONSerialization.jsonObject(with: cached) as? [String: Any] {
    print("Reusing the vectors trained earlier with these settings on this text (\(vectorsPath)); RETRAIN=1 trains them again.")
    trainingFigures = figures
    try trainer.resume(from: checkpointPath)
} else {
    if FileManager.default.fileExists(atPath: checkpointPath), !retrain {
        do {
            try trainer.resume(from: checkpointPath)
            print("Resuming from \(checkpointPath): \(trainer.chunksDone) of \(trainer.totalChunks) chunks done.")
        } catch {
            print("(Not resuming: \(error))")
        }
    }
    print(tableRow("epoch", 6, ["chunk", "loss", "lr", "words/s", "elapsed"], width: 10))
    let summary = try trainer.train(checkpoint: checkpointPath, checkpointSeconds: 30) { p in
        guard p.chunksDone % max(1, settings.chunksPerEpoch / 4) == 0 || p.chunksDone == p.totalChunks else { return }
        print(tableRow(String(p.epoch), 6, ["\(p.chunksDone)/\(p.totalChunks)", String(format: "%.4f", p.loss),
                                            String(format: "%.5f", p.learningRate), EpochTable.grouped(Int(p.wordsPerSecond)),
                                            String(format: "%.0f s", p.seconds)], width: 10))
    }
    let wordsPerSecond = summary.wordsPerSecond
    print("\n\(EpochTable.grouped(summary.words)) words in " + String(format: "%.1f s: ", summary.seconds)
          + "\(EpochTable.grouped(Int(wordsPerSecond))) words/s on \(settings.threads) threads (\(EpochTable.grouped(Int(wordsPerSecond / Double(settings.threads)))) per thread).")
    print("Per CPU-second (what a busy machine does not change): \(EpochTable.grouped(Int(summary.wordsPerCPUSecond))) words, one thread's throughput.")
    // gensim is a peer only when measured on the same machine in the same state: its script
    // prints its figures for this text, to set beside these.
    print(String(format: "word2vec.c does about 1M words/s per thread: ours is %.2f of that per thread, %.2f per CPU-second. "
                 + "gensim on the same reviews, on this machine: Tools/bench/gensim_word2vec.py (it needs gensim in a venv).",
                 wordsPerSecond / Double(settings.threads) / referenceWordsPerSecondPerThread,
                 summary.wordsPerCPUSecond / referenceWordsPerSecondPerThread))
    trainingFigures["words"] = summary.words
    trainingFigures["kept_words"] = summary.keptWords
    trainingFigures["examples"] = summary.examples
    trainingFigures["seconds"] = summary.seconds
    trainingFigures["words_per_second"] = wordsPerSecond
    trainingFigures["cpu_seconds"] = summary.cpuSeconds
    trainingFigures["words_per_cpu_second"] = summary.wordsPerCPUSecond
    trainingFigures["ratio_to_word2vec_c_per_thread"] = wordsPerSecond / Double(settings.threads) / referenceWordsPerSecondPerThread
    trainingFigures["resumed_from_chunk"] = summary.resumedFromChunk ?? 0
    try WordVectorTraining.writeVectors(trainer.input, words: vocabulary.words, to: vectorsPath)
    try out.writeJSON(trainingFigures, to: "training.json")
    try AtomicFile.write(trainer.fingerprint, to: fingerprintPath)
    print("Vectors: \(vectorsPath) (word2vec text format); checkpoint: \(checkpointPath).")
}
metrics["training"] = trainingFigures

// MARK: 4. Neighbours and analogies

heading("4. Nearest neighbours and analogies, ours and GloVe's (README, section 7)")
let words = Array(vocabulary.words[2...])
let ours = VectorSpace(words: words, vectors: trainer.input.rows(2..<vocabulary.count))
var glove: VectorSpace?
if FileManager.default.fileExists(atPath: WordVectors.sharedGlovePath) {
    // GloVe restricted to our vocabulary, so both answer from the same words.
    let (gloveWords, gloveMatrix) = try WordVectors.loadAll(path: WordVectors.sharedGlovePath, limit: walkthrough.sized(200_000, smoke: 20_000))
    let mine = Set(words)
    let keep = gloveWords.indices.filter { mine.contains(gloveWords[$0]) }
    glove = VectorSpace(words: keep.map { gloveWords[$0] }, vectors: gloveMatrix.rows(keep))
    print("GloVe 6B 50d, restricted to the \(keep.count) words of our vocabulary it has.")
} else {
    print("GloVe is not in \(DataPaths.shared)/glove, so only our vectors are shown. \(WordVectors.officialDownload)")
}
let probes = ["good", "bad", "excellent", "boring", "funny", "scary", "actor", "movie", "music", "plot"].filter { ours.contains($0) }
let queries = probes.isEmpty ? Array(words.prefix(5)) : probes
var neighbourFigures: [[String: Any]] = []
for word in queries {
    let mineNear = ours.neighbours(of: word, k: 6)
    print("\(pad(word, 10)) ours:  " + mineNear.map { $0.word }.joined(separator: ", "))
    var row: [String: Any] = ["word": word, "ours": mineNear.map(\.word)]
    if let glove, glove.contains(word) {
        let theirs = glove.neighbours(of: word, k: 6)
        print("\(pad("", 10)) GloVe: " + theirs.map { $0.word }.joined(separator: ", "))
        row["glove"] = theirs.map(\.word)
    }
    neighbourFigures.append(row)
}
metrics["neighbours"] = neighbourFigures
let analogies = [("man", "king", "woman", "queen"), ("man", "actor", "woman", "actress"), ("he", "his", "she", "her"),
                 ("good", "better", "bad", "worse"), ("good", "best", "bad", "worst"), ("movie", "movies", "film", "films"),
                 ("laugh", "funny", "scream", "scary"), ("brother", "sister", "father", "mother")]
print("\nAnalogies a : b :: c : ? (the nearest word to b − a + c; top 3, ✓ when the expected answer is first):")
var analogyFigures: [[String: Any]] = []
var hits = (ours: 0, glove: 0, asked: 0)
for (a, b, c, expected) in analogies {
    guard let answers = ours.analogy(a, b, c, k: 3) else { continue }
    hits.asked += 1
    let oursRight = answers.first?.word == expected
    if oursRight { hits.ours += 1 }
    var line = "  \(a) : \(b) :: \(c) : \(expected)?  ours: " + answers.map(\.word).joined(separator: ", ") + (oursRight ? " ✓" : "")
    var row: [String: Any] = ["question": "\(a) : \(b) :: \(c) : ?", "expected": expected, "ours": answers.map(\.word)]
    if let glove, let theirs = glove.analogy(a, b, c, k: 3) {
        let right = theirs.first?.word == expected
        if right { hits.glove += 1 }
        line += "   GloVe: " + theirs.map(\.word).joined(separator: ", ") + (right ? " ✓" : "")
        row["glove"] = theirs.map(\.word)
    }
    print(line)
    analogyFigures.append(row)
}
if hits.asked > 0 {
    print("First answer right: ours \(hits.ours) of \(hits.asked)" + (glove != nil ? ", GloVe \(hits.glove) of \(hits.asked)." : "."))
}
metrics["analogies"] = ["questions": analogyFigures, "asked": hits.asked, "ours_right": hits.ours, "glove_right": glove != nil ? hits.glove as Any : NSNull()]

// MARK: 5. PCA

heading("5. The vectors in 2-D and 3-D: PCA (README, section 8)")
let groups: [(String, [String])] = [
    ("praise", ["good", "great", "excellent", "wonderful", "brilliant", "superb", "amazing", "best", "perfect", "enjoyable"]),
    ("blame", ["bad", "terrible", "awful", "boring", "dull", "worst", "poor", "horrible", "waste", "stupid"]),
    ("people", ["actor", "actress", "director", "writer", "cast", "man", "woman", "king", "queen", "hero"]),
    ("genres", ["comedy", "horror", "drama", "thriller", "western", "romance", "documentary", "musical", "action", "animation"]),
]
var pointWords: [String] = [], pointGroups: [Int] = []
for (g, (_, list)) in groups.enumerated() {
    for w in list where ours.contains(w) { pointWords.append(w); pointGroups.append(g) }
}
if pointWords.count < 8 {
    // Generated text: the most frequent words, one group.
    pointWords = Array(words.prefix(40))
    pointGroups = Array(repeating: 0, count: pointWords.count)
}
let points = Tensor<Float>(shape: [pointWords.count, settings.dimension], scalars: pointWords.flatMap { ours.vector($0) ?? [] })
let pca3 = PCA(fitting: points, components: 3)
let z = pca3.transform(points)
func percent(_ x: Double) -> String { String(format: "%.0f%%", 100 * x) }
let ratios = pca3.explainedVarianceRatio
print("\(pointWords.count) words; the first two components explain \(percent(ratios[0] + ratios[1])) of their variance, three \(percent(ratios.reduce(0, +))).")
let groupColours = ["#2ca02c", "#d62728", "#1f77b4", "#ff7f0e"]
var chart = Chart(title: "Our skip-gram vectors, PCA to 2-D (\(percent(ratios[0] + ratios[1])) of the variance)",
                  xLabel: "PC1 (\(percent(ratios[0])))", yLabel: "PC2 (\(percent(ratios[1])))")
let groupNames = pointGroups.allSatisfy({ $0 == 0 }) && pointWords.count == min(40, words.count) ? ["frequent words"] : groups.map(\.0)
for (g, name) in groupNames.enumerated() {
    let idx = pointWords.indices.filter { pointGroups[$0] == g }
    if idx.isEmpty { continue }
    chart.add(.labeledPoints(x: idx.map { z[$0, 0] }, y: idx.map { z[$0, 1] }, labels: idx.map { pointWords[$0] }, title: name))
}
chart.extraCommands = groupColours.enumerated().map { "set linetype \($0.offset + 1) lc rgb '\($0.element)'" } + ["set key top left box opaque"]
out.save(chart, "vectors_pca.png", width: 1200, height: 900)
let drew3D = try writeScatter3D(points: pointWords.indices.map { (z[$0, 0], z[$0, 1], z[$0, 2]) }, labels: pointWords, groups: pointGroups,
                                groupNames: groupNames, colours: groupColours, title: "Our skip-gram vectors, PCA to 3-D (\(percent(ratios.reduce(0, +))) of the variance)",
                                axes: ["PC1", "PC2", "PC3"], to: out.file("vectors_pca3d.png"))
print("Charts: \(out.file("vectors_pca.png"))" + (drew3D ? ", \(out.file("vectors_pca3d.png")) (gnuplot splot)" : ""))
metrics["pca"] = ["words": pointWords.count, "explained_variance_ratio": ratios]

// MARK: 6. Lesson 5 with our vectors

heading("6. Lesson 5's model on our vectors and on GloVe's (README, section 9)")
func sentimentOptions(vectors: String?, folder: String) -> SentimentRunOptions {
    var o = SentimentRunOptions(out: folder)
    o.vectors = vectors
    if quick || walkthrough.smoke {
        o.limit = walkthrough.sized(5_000, smoke: 200)
        o.epochs = walkthrough.sized(4, smoke: 1)
        o.maxLength = walkthrough.sized(200, smoke: 60)
        o.checkpointEverySteps = 0
        o.learningRate = 2e-3
        o.dropout = 0.3
    } else {
        // The six epochs section 17's figures were measured with (Lesson 5 stops at five to fit
        // its 10 minutes; fine-tuning here may take 15).
        o.epochs = 6
    }
    if let seed { o.seed = seed }
    if walkthrough.smoke {
        o.dataset = .generated
        o.hidden = 8
        o.vocabularySize = 2_000
    }
    return o
}
// A smoke run trains the model from our vectors only (GloVe's file alone takes longer to read than the whole smoke run).
let runs: [(name: String, vectors: String?)] = [("ours", vectorsPath)] + (glove != nil && !walkthrough.smoke ? [("GloVe", nil)] : [])
if runSentiment || walkthrough.smoke {
    var accuracies: [String: Double] = [:]
    for run in runs {
        let o = sentimentOptions(vectors: run.vectors, folder: out.file("sentiment-\(run.name.lowercased())"))
        print("Training Lesson 5's model from \(run.name == "ours" ? "our vectors" : "GloVe 6B 50d") into \(o.out) ...")
        guard let result = try SentimentRun.run(o, resume: false, log: { _ in }) else { continue }
        accuracies[run.name] = result.metrics.testAccuracy
        print("  \(run.name): " + String(format: "test accuracy %.2f%% (%.1f minutes)", 100 * result.metrics.testAccuracy, result.metrics.trainingMinutes))
    }
    metrics["sentiment"] = ["test_accuracy": accuracies, "quick": quick || walkthrough.smoke]
} else {
    print("SENTIMENT=1 trains Lesson 5's model twice here, from our vectors and from GloVe (QUICK=1 with it: 5,000 reviews, a few minutes;")
    print("without: the full split, 8 to 10 minutes each on 2 cores). Or run it yourself:")
    for run in runs {
        print("  " + commandLine(sentimentOptions(vectors: run.vectors, folder: out.file("sentiment-\(run.name.lowercased())"))))
    }
}

if part != "1" {
    metrics["language_model"] = try runLanguageModelPart(languageModelOptions)
}
try out.writeJSON(metrics, to: "metrics.json")
print("\nmetrics.json and the charts are in \(out.path).")
