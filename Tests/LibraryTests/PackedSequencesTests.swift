// The fast kernel's packed layout reading and writing one direction's half of a bidirectional
// layer's [T, B, 2H] in place: which elements it reads, which it writes, and which it leaves.

import CourseTesting
@testable import LSTMKernels
import TensorCore
import XCTest

final class PackedSequencesTests: XCTestCase {
    // Lengths [3, 1, 2] over T = 3: sorted order [0, 2, 1], batch sizes [3, 2, 1].
    let (t, b, width) = (3, 3, 5)
    let lengths = [3, 1, 2]

    /// x[t, b, f] = 100 t + 10 b + f: every element says where it is.
    func labelled() -> Tensor<Double> {
        var x = Tensor<Double>(shape: [t, b, width])
        for i in 0..<t { for j in 0..<b { for f in 0..<width { x.scalars[(i * b + j) * width + f] = Double(100 * i + 10 * j + f) } } }
        return x
    }

    func testGatherColumns_readsEachRowsOwnPositionAndColumns() {
        for reverse in [false, true] {
            let packing = PackedSequences(lengths: lengths, timeSteps: t, reverse: reverse)
            let packed = packing.gather(labelled(), columns: 2..<4)
            XCTAssertEqual(packed.shape, [6, 2])
            // Packed rows: step 0 of sequences 0, 2, 1; step 1 of 0, 2; step 2 of 0. In reverse,
            // step k of sequence b reads time L_b - 1 - k.
            let times = reverse ? [2, 1, 0, 1, 0, 0] : [0, 0, 0, 1, 1, 2]
            let sequences = [0, 2, 1, 0, 2, 0]
            var expected: [Double] = []
            for (time, sequence) in zip(times, sequences) {
                let base = 100 * time + 10 * sequence
                expected += [Double(base + 2), Double(base + 3)]
            }
            XCTAssertEqual(packed.scalars, expected, "reverse \(reverse): gather of columns 2..<4")
            XCTAssertEqual(packing.gather(labelled()).scalars.count, 6 * width)
        }
    }

    func testScatterIntoColumns_writesRealPositionsOnly() {
        for reverse in [false, true] {
            let packing = PackedSequences(lengths: lengths, timeSteps: t, reverse: reverse)
            let x = labelled()
            // Gathering columns 1..<3 and scattering them into columns 3..<5 of a buffer of -1s
            // must copy exactly the real positions' columns and touch nothing else.
            var out = Tensor<Double>(shape: [t, b, width], repeating: -1)
            out.withUnsafeMutableBufferPointer {
                packing.scatter(packing.gather(x, columns: 1..<3), into: $0.baseAddress, width: width, column: 3)
            }
            for i in 0..<t {
                for j in 0..<b {
                    for f in 0..<width {
                        let value = out.scalars[(i * b + j) * width + f]
                        let expected = i < lengths[j] && f >= 3 ? x.scalars[(i * b + j) * width + f - 2] : -1
                        XCTAssertEqual(value, expected, "reverse \(reverse): t \(i), b \(j), column \(f)")
                    }
                }
            }
        }
    }

    func testZeroPadding_zeroesPaddedPositionsOnly() {
        let packing = PackedSequences(lengths: lengths, timeSteps: t)
        var out = labelled()
        out.withUnsafeMutableBufferPointer { packing.zeroPadding($0.baseAddress, width: width) }
        let x = labelled()
        for i in 0..<t {
            for j in 0..<b {
                let row = (i * b + j) * width
                let expected = i < lengths[j] ? Array(x.scalars[row..<(row + width)]) : [Double](repeating: 0, count: width)
                XCTAssertEqual(Array(out.scalars[row..<(row + width)]), expected, "t \(i), b \(j) (length \(lengths[j]))")
            }
        }
        // scatter(packed) is gather's inverse on the real positions and zero elsewhere.
        let round = packing.scatter(packing.gather(x))
        var padded = x
        padded.withUnsafeMutableBufferPointer { packing.zeroPadding($0.baseAddress, width: width) }
        XCTAssertEqual(round.scalars, padded.scalars)
    }

    func testWithin_readsAndWritesTheGroupsColumnsOfTheWholeBatch() {
        // The group: sequences 4, 1, 3 of a batch of 5, with lengths 3, 1, 2 (the lengths above).
        let (members, batch) = ([4, 1, 3], 5)
        var whole = Tensor<Double>(shape: [t, batch, width])
        for i in 0..<t { for j in 0..<batch { for f in 0..<width { whole.scalars[(i * batch + j) * width + f] = Double(100 * i + 10 * j + f) } } }
        for reverse in [false, true] {
            let own = PackedSequences(lengths: lengths, timeSteps: t, reverse: reverse)
            let packing = own.within(members, ofBatch: batch)
            // Gathering from the whole batch = gathering from the group's own copy of its columns.
            var groupCopy = Tensor<Double>(shape: [t, b, width])
            for i in 0..<t {
                for (g, column) in members.enumerated() {
                    for f in 0..<width { groupCopy.scalars[(i * b + g) * width + f] = whole.scalars[(i * batch + column) * width + f] }
                }
            }
            XCTAssertEqual(packing.gather(whole).scalars, own.gather(groupCopy).scalars, "reverse \(reverse): gather within")
            XCTAssertEqual(packing.local, own, "local undoes within")
            // Scattering into the whole batch writes the group's real positions (and zeroes its
            // padded ones) and leaves the other sequences' columns alone.
            var out = Tensor<Double>(shape: [t, batch, width], repeating: -1)
            out.withUnsafeMutableBufferPointer {
                packing.scatter(packing.gather(whole), into: $0.baseAddress, width: width, column: 0)
                packing.zeroPadding($0.baseAddress, width: width)
            }
            for i in 0..<t {
                for j in 0..<batch {
                    let row = (i * batch + j) * width
                    let expected: [Double]
                    if let g = members.firstIndex(of: j) {
                        expected = i < lengths[g] ? Array(whole.scalars[row..<(row + width)]) : [Double](repeating: 0, count: width)
                    } else {
                        expected = [Double](repeating: -1, count: width)
                    }
                    XCTAssertEqual(Array(out.scalars[row..<(row + width)]), expected, "reverse \(reverse): t \(i), sequence \(j)")
                }
            }
        }
    }
}
