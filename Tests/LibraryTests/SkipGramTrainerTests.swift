// The provided skip-gram trainer (Sources/Word2VecKernels): a resumed run gives the tables of an
// uninterrupted one (one thread: every random number and learning rate depends only on the seed
// and the chunk), checkpoints of another run or damaged ones are refused, and training lowers
// the loss on a text with structure. Its step against the readable gradient is Lesson7Tests'
// FastTrainerTests (it needs the student's code).

import Foundation
import TensorCore
import Word2VecKernels
import XCTest

final class SkipGramTrainerTests: XCTestCase {
    /// 200 "reviews" over 40 words in two topics: words 2-20 and 21-39 never share a review.
    private func corpus() -> SkipGramCorpus {
        var rng = SeededRNG(seed: 1)
        let reviews: [[Int32]] = (0..<200).map { r in
            let base = r % 2 == 0 ? 2 : 21
            return (0..<30).map { _ in Int32(base + Int(rng.next() % 19)) }
        }
        return SkipGramCorpus(reviews: reviews)
    }

    private func trainer(threads: Int = 1, epochs: Int = 2, seed: UInt64 = 4) throws -> SkipGramTrainer {
        var settings = SkipGramSettings()
        settings.dimension = 8
        settings.epochs = epochs
        settings.threads = threads
        settings.chunksPerEpoch = 4
        settings.seed = seed
        let table = (0..<1_000).map { Int32(2 + $0 % 38) }
        return try SkipGramTrainer(corpus: corpus(), vocabularySize: 40, keepProbabilities: Array(repeating: 0.9, count: 40),
                                   noiseTable: table, settings: settings)
    }

    private func temporaryFile(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "skipgram-tests-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir + "/" + name
    }

    func testResumedRunEqualsUninterruptedOne() throws {
        var whole = try trainer()
        try whole.train()
        let path = temporaryFile("resume.ckpt")
        var killed = try trainer()
        try killed.train(checkpoint: path, checkpointSeconds: 0, stopAfter: 3)
        XCTAssertEqual(killed.chunksDone, 3)
        var resumed = try trainer()
        try resumed.resume(from: path)
        XCTAssertEqual(resumed.chunksDone, 3, "the checkpoint records the chunks done")
        let summary = try resumed.train()
        XCTAssertEqual(summary.resumedFromChunk, 3)
        XCTAssertTrue(resumed.isFinished)
        XCTAssertEqual(resumed.input.scalars, whole.input.scalars, "input vectors of a resumed run (one thread) and an uninterrupted one")
        XCTAssertEqual(resumed.output.scalars, whole.output.scalars, "output vectors of a resumed run and an uninterrupted one")
    }

    func testCheckpointOfAnotherRunOrDamagedIsRefused() throws {
        let path = temporaryFile("other.ckpt")
        var first = try trainer(seed: 4)
        try first.train(checkpoint: path, stopAfter: 1)
        var other = try trainer(seed: 5)
        XCTAssertThrowsError(try other.resume(from: path), "a checkpoint of another seed must be refused")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
        var same = try trainer(seed: 4)
        XCTAssertThrowsError(try same.resume(from: path), "a damaged checkpoint must be refused (CRC-32)")
        XCTAssertEqual(same.chunksDone, 0)
    }

    func testTrainingSeparatesTheTwoTopics() throws {
        // Two threads (Hogwild): the result varies with the schedule, so the test asks only for
        // the structure: words of one topic closer to each other than to the other topic's.
        var t = try trainer(threads: 2, epochs: 10)
        let summary = try t.train()
        XCTAssertEqual(summary.words, 10 * 200 * 30, "every raw word of every epoch is counted")
        XCTAssertGreaterThan(summary.examples, 0)
        let e = 8
        func cosine(_ a: Int, _ b: Int) -> Float {
            var dot: Float = 0, na: Float = 0, nb: Float = 0
            for j in 0..<e {
                let x = t.input.scalars[a * e + j], y = t.input.scalars[b * e + j]
                dot += x * y; na += x * x; nb += y * y
            }
            return dot / (na * nb).squareRoot()
        }
        var same: Float = 0, across: Float = 0
        for a in 2..<10 {
            same += cosine(a, a + 5)
            across += cosine(a, a + 21)
        }
        XCTAssertGreaterThan(same, across + 2, "words of one topic must end up closer than words of different topics (summed cosines over 8 pairs)")
    }
}
