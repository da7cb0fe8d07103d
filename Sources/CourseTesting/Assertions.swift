// Assertions whose failure messages tell a student what is wrong: which tensor, which index,
// what was expected and what came out, in the style of llm.c's test (OK / NOT OK per tensor).

import TensorCore
import XCTest

/// Fails unless `got` matches `expected` within `tolerance` (|got - e| / max(1, |e|), worst element).
public func assertClose<T: TensorScalar, U: TensorScalar>(
    _ got: Tensor<T>, _ expected: Tensor<U>, tolerance: Double, _ name: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    let c = compare(name, got: got, expected: expected, tolerance: tolerance)
    XCTAssertTrue(c.ok, c.description, file: file, line: line)
}

/// Fails unless two numbers agree within `tolerance` (absolute, scaled by max(1, |expected|)).
public func assertClose(_ got: Double, _ expected: Double, tolerance: Double, _ name: String,
                        file: StaticString = #filePath, line: UInt = #line) {
    let d = abs(got - expected) / max(1, abs(expected))
    XCTAssertTrue(d <= tolerance, "\(name): got \(got), expected \(expected) (difference \(d), tolerance \(tolerance))",
                  file: file, line: line)
}

/// Fails unless every gradient check passed; the message lists each tensor's result.
public func assertGradientsPass(_ results: [GradientCheckResult], tolerance: Double,
                                file: StaticString = #filePath, line: UInt = #line) {
    let failed = results.filter { !$0.passed(tolerance: tolerance) }
    let report = results.map { ($0.passed(tolerance: tolerance) ? "OK     " : "NOT OK ") + $0.description }
        .joined(separator: "\n")
    XCTAssertTrue(failed.isEmpty,
                  "gradient check failed for \(failed.map(\.name).joined(separator: ", ")) (tolerance \(tolerance)):\n\(report)",
                  file: file, line: line)
}

/// Loads a fixture or fails the test with the reason (missing file, wrong version...).
public func loadFixture(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> Fixture {
    do {
        return try Fixture.load(name)
    } catch {
        XCTFail("\(error)", file: file, line: line)
        throw error
    }
}
