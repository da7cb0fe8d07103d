// The results file Gradescope's autograder harness reads (results.json): a total, a free-text
// output, and one entry per test.

import Foundation

public struct GradescopeResults: Codable, Equatable, Sendable {
    public struct Test: Codable, Equatable, Sendable {
        public var name: String
        public var score: Double
        public var maxScore: Double
        /// "passed" or "failed".
        public var status: String
        public var output: String
        /// "visible", "hidden", "after_due_date" or "after_published" (from grading.json).
        public var visibility: String

        enum CodingKeys: String, CodingKey {
            case name, score, maxScore = "max_score", status, output, visibility
        }

        public init(name: String, score: Double, maxScore: Double, passed: Bool, output: String,
                    visibility: String = GradingConfig.Visibility.visible) {
            self.name = name
            self.score = score
            self.maxScore = maxScore
            self.status = passed ? "passed" : "failed"
            self.output = output
            self.visibility = visibility
        }
    }

    public var score: Double
    public var maxScore: Double
    /// Seconds the whole grading took.
    public var executionTime: Double
    public var output: String
    public var tests: [Test]

    enum CodingKeys: String, CodingKey {
        case score, maxScore = "max_score", executionTime = "execution_time", output, tests
    }

    public init(tests: [Test], executionTime: Double, output: String) {
        self.tests = tests
        self.score = tests.reduce(0) { $0 + $1.score }
        self.maxScore = tests.reduce(0) { $0 + $1.maxScore }
        self.executionTime = (executionTime * 10).rounded() / 10
        self.output = output
    }

    /// Pretty, key-sorted JSON (stable diffs between runs).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
