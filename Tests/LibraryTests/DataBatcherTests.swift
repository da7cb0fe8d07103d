// Length-bucketed batches: coverage, padding, determinism, time-major layout.

import CourseData
import Foundation
import TensorCore
import XCTest

final class DataBatcherTests: XCTestCase {
    func data(_ n: Int, seed: UInt64) -> (sequences: [[Int32]], labels: [Int]) {
        var rng = SeededRNG(seed: seed)
        let sequences = (0..<n).map { i in (0..<(1 + rng.int(below: 200))).map { _ in Int32(2 + rng.int(below: 1000)) } }
        return (sequences, (0..<n).map { $0 % 2 })
    }

    func testBucketedBatcher_timeMajorLayoutAndPadding() {
        let batcher = BucketedBatcher(sequences: [[5, 6, 7], [8], [9, 10]], labels: [1, 0, 1], batchSize: 3, seed: 0, shuffle: false)
        let batches = batcher.batches(epoch: 0)
        XCTAssertEqual(batches.count, 1, "one batch")
        let b = batches[0]
        // Sorted by length: rows 1 (len 1), 2 (len 2), 0 (len 3); ids [T=3, B=3].
        XCTAssertEqual(b.indices, [1, 2, 0], "rows by length")
        XCTAssertEqual(b.lengths, [1, 2, 3], "lengths")
        XCTAssertEqual(b.maxLength, 3, "T")
        XCTAssertEqual(b.batchSize, 3, "B")
        XCTAssertEqual(b.ids, [8, 9, 5,
                               0, 10, 6,
                               0, 0, 7], "ids[t * B + b], padding 0")
        XCTAssertEqual(b.labels, [0, 1, 1], "labels as Float")
        XCTAssertEqual(b.paddingShare, 3.0 / 9.0, accuracy: 1e-12, "padding share")
    }

    func testBucketedBatcher_everyRowOnceAndLittlePadding() {
        let (sequences, labels) = data(1000, seed: 1)
        let batcher = BucketedBatcher(sequences: sequences, labels: labels, batchSize: 32, seed: 5)
        let batches = batcher.batches(epoch: 0)
        XCTAssertEqual(batches.count, batcher.batchCount, "batch count")
        XCTAssertEqual(batches.count, 32, "ceil(1000 / 32)")
        XCTAssertEqual(batches.flatMap(\.indices).sorted(), Array(0..<1000), "every row exactly once")
        XCTAssertEqual(batches.filter { $0.batchSize < 32 }.map(\.batchSize), [8], "one short batch of the remainder")
        for (k, b) in batches.enumerated() {
            XCTAssertEqual(b.maxLength, b.lengths.max(), "batch \(k) padded to its own longest")
            XCTAssertEqual(b.ids.count, b.maxLength * b.batchSize, "batch \(k) ids [T, B]")
            for (column, row) in b.indices.enumerated() {
                let column_ids = (0..<b.maxLength).map { b.ids[$0 * b.batchSize + column] }
                XCTAssertEqual(Array(column_ids.prefix(b.lengths[column])), sequences[row], "batch \(k) column \(column) is row \(row)")
                XCTAssertTrue(column_ids.dropFirst(b.lengths[column]).allSatisfy { $0 == 0 }, "batch \(k) column \(column) padding")
                XCTAssertEqual(b.labels[column], Float(labels[row]), "batch \(k) label of row \(row)")
            }
        }
        // Padding: bucketed far below padding every batch to the longest of a random batch.
        let bucketed = batches.reduce(0) { $0 + $1.maxLength * $1.batchSize }
        let tokens = sequences.reduce(0) { $0 + $1.count }
        var rng = SeededRNG(seed: 9)
        let random = stride(from: 0, to: 1000, by: 32).map { Array(rng.permutation(1000)[0..<min(32, 1000 - $0)]) }
        let randomCells = random.reduce(0) { $0 + ($1.map { sequences[$0].count }.max() ?? 0) * $1.count }
        let bucketedShare = 1 - Double(tokens) / Double(bucketed)
        let randomShare = 1 - Double(tokens) / Double(randomCells)
        XCTAssertLessThan(bucketedShare, 0.1, "bucketed padding share \(bucketedShare)")
        XCTAssertGreaterThan(randomShare, 0.4, "random batches' padding share \(randomShare)")
    }

    func testBucketedBatcher_deterministicBySeedAndEpoch() {
        let (sequences, labels) = data(300, seed: 2)
        let a = BucketedBatcher(sequences: sequences, labels: labels, batchSize: 16, seed: 5, poolBatches: 4)
        let b = BucketedBatcher(sequences: sequences, labels: labels, batchSize: 16, seed: 5, poolBatches: 4)
        XCTAssertEqual(a.batches(epoch: 3), b.batches(epoch: 3), "same seed and epoch, same batches")
        XCTAssertNotEqual(a.batches(epoch: 0).map(\.indices), a.batches(epoch: 1).map(\.indices), "epochs differ")
        let c = BucketedBatcher(sequences: sequences, labels: labels, batchSize: 16, seed: 6, poolBatches: 4)
        XCTAssertNotEqual(a.batches(epoch: 0).map(\.indices), c.batches(epoch: 0).map(\.indices), "seeds differ")
        // Batch order is shuffled, not sorted by length.
        let maxima = a.batches(epoch: 0).map(\.maxLength)
        XCTAssertNotEqual(maxima, maxima.sorted(), "batches are shuffled")
        let fixed = BucketedBatcher(sequences: sequences, labels: labels, batchSize: 16, seed: 5, shuffle: false)
        XCTAssertEqual(fixed.batches(epoch: 0), fixed.batches(epoch: 7), "no shuffle: the same every epoch")
        let fixedMaxima = fixed.batches(epoch: 0).map(\.maxLength)
        XCTAssertEqual(fixedMaxima, fixedMaxima.sorted(), "no shuffle: batches by length")
    }

    func testBucketedBatcher_emptySequencesAndEmptyData() {
        let b = BucketedBatcher(sequences: [[], [3]], labels: [0, 1], batchSize: 4, seed: 0, shuffle: false).batches(epoch: 0)
        XCTAssertEqual(b[0].maxLength, 1, "T is at least 1")
        XCTAssertEqual(b[0].ids, [0, 3], "empty sequence is all padding")
        XCTAssertEqual(b[0].lengths, [0, 1], "lengths")
        XCTAssertTrue(BucketedBatcher(sequences: [], labels: [], batchSize: 4, seed: 0).batches(epoch: 0).isEmpty, "no rows, no batches")
    }

    func testBucketedBatcher_streamSeedAndMinimumLength() {
        var rng = SeededRNG(seed: 3)
        let sequences = (0..<200).map { i in i % 17 == 0 ? [] : (0..<(1 + rng.int(below: 30))).map { _ in Int32(2 + rng.int(below: 50)) } }
        let labels = (0..<200).map { $0 % 2 }
        let batcher = BucketedBatcher(sequences: sequences, labels: labels, batchSize: 16, seed: 9, poolBatches: 3, minimumLength: 1)
        let a = batcher.batches(streamSeed: 77)
        XCTAssertEqual(a, batcher.batches(streamSeed: 77), "same stream seed, same batches")
        XCTAssertNotEqual(a.map(\.indices), batcher.batches(streamSeed: 78).map(\.indices), "another stream seed, another order")
        XCTAssertEqual(a.flatMap(\.indices).sorted(), Array(0..<200), "every row once")
        // The stream seed alone decides: the batcher's own seed does not enter.
        let otherSeed = BucketedBatcher(sequences: sequences, labels: labels, batchSize: 16, seed: 10, poolBatches: 3, minimumLength: 1)
        XCTAssertEqual(otherSeed.batches(streamSeed: 77), a, "seed unused with streamSeed")
        // The permutation and the batch shuffle come from SeededRNG(streamSeed), in that order.
        var r = SeededRNG(seed: 77)
        let order = r.permutation(200)
        let firstPool = order[0..<48].sorted { (sequences[$0].count, $0) < (sequences[$1].count, $1) }
        XCTAssertTrue(a.contains { $0.indices == Array(firstPool[0..<16]) }, "the first pool's shortest 16 rows form a batch")
        for b in a {
            for (column, row) in b.indices.enumerated() {
                XCTAssertEqual(b.lengths[column], max(1, sequences[row].count), "length of row \(row): at least 1")
            }
            XCTAssertEqual(b.maxLength, b.lengths.max(), "T is the longest length")
            XCTAssertEqual(b.tokenCount, b.lengths.reduce(0, +), "tokenCount")
        }
        let empty = BucketedBatcher(sequences: [[]], labels: [1], batchSize: 4, seed: 0, shuffle: false, minimumLength: 1).batches(epoch: 0)[0]
        XCTAssertEqual(empty.lengths, [1], "an empty sequence reads one step")
        XCTAssertEqual(empty.ids, [0], "of padding")
    }
}
