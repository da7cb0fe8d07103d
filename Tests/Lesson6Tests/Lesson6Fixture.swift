// Reading Lesson 6's scikit-learn fixtures (Tools/fixtures/lesson6.py) as plain arrays.

import CourseTesting
import TensorCore
import XCTest

extension Fixture {
    func doubles(_ key: String) throws -> [Double] { try tensor(key).scalars }
    func ints(_ key: String) throws -> [Int] { try tensor(key).scalars.map { Int($0) } }
    /// A [K, K] tensor as rows of integers.
    func intMatrix(_ key: String) throws -> [[Int]] {
        let t = try tensor(key)
        return (0..<t.shape[0]).map { i in t.row(i).scalars.map { Int($0) } }
    }
}

/// Fails unless two arrays have the same length and agree elementwise within `tolerance`
/// (scaled by max(1, |expected|)); the message names the array, the first bad index and both values.
func assertArraysClose(_ got: [Double], _ expected: [Double], tolerance: Double, _ name: String,
                       file: StaticString = #filePath, line: UInt = #line) {
    guard got.count == expected.count else {
        XCTFail("\(name): \(got.count) values, expected \(expected.count) (got \(got.prefix(12)), expected \(expected.prefix(12)))",
                file: file, line: line)
        return
    }
    for (i, (g, e)) in zip(got, expected).enumerated() {
        let same = g == e || abs(g - e) / max(1, abs(e)) <= tolerance
        if !same {
            XCTFail("\(name)[\(i)]: got \(g), expected \(e) (tolerance \(tolerance))", file: file, line: line)
            return
        }
    }
}

/// Scikit-learn computes these in float64 from the same counts, so only rounding differs.
let metricTolerance = 1e-12
