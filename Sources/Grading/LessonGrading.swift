// What `course check` and `course grade` share: the graded tests of some lessons (bundle's
// tests matched with grading.json), run isolated, summed per lesson.

import Foundation

public struct LessonSummary: Sendable {
    public var lesson: Int
    public var title: String
    public var tests: [GradingConfig.GradedTest]
    public var results: [TestID: TestResult]

    public var passed: Int { tests.filter { results[$0.id]?.status == .passed }.count }
    public var points: Double { tests.filter { results[$0.id]?.status == .passed }.reduce(0) { $0 + $1.points } }
    public var maxPoints: Double { tests.reduce(0) { $0 + $1.points } }
}

public struct LessonRun: Sendable {
    public var lessons: [LessonSummary]
    public var warnings: [String]

    public var passed: Int { lessons.reduce(0) { $0 + $1.passed } }
    public var total: Int { lessons.reduce(0) { $0 + $1.tests.count } }
    public var points: Double { lessons.reduce(0) { $0 + $1.points } }
    public var maxPoints: Double { lessons.reduce(0) { $0 + $1.maxPoints } }
}

extension TestRunner {
    /// The graded tests of `lessons` in the built bundle, with points, hints and warnings.
    public func gradedTests(lessons: [Int]) throws -> (tests: [Int: [GradingConfig.GradedTest]], titles: [Int: String], warnings: [String]) {
        let all = try listTests()
        var tests: [Int: [GradingConfig.GradedTest]] = [:]
        var titles: [Int: String] = [:]
        var warnings: [String] = []
        for lesson in lessons {
            let config = try workspace.gradingConfig(lesson: lesson)
            let ids = all.filter { $0.lesson == lesson }
            let reconciled = GradingConfig.reconcile(config, lesson: lesson, tests: ids)
            tests[lesson] = reconciled.tests
            titles[lesson] = config?.title ?? "Lesson \(lesson)"
            warnings += reconciled.warnings
        }
        return (tests, titles, warnings)
    }

    /// Runs the graded tests of `lessons`, isolated.
    public func runLessons(_ lessons: [Int], onResult: ((TestResult) -> Void)? = nil) throws -> LessonRun {
        let graded = try gradedTests(lessons: lessons)
        let order = lessons.flatMap { graded.tests[$0] ?? [] }
        let results = run(order.map { ($0.id, $0.timeLimit) }, onResult: onResult)
        let byID = Dictionary(results.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let summaries = lessons.map {
            LessonSummary(lesson: $0, title: graded.titles[$0] ?? "Lesson \($0)", tests: graded.tests[$0] ?? [], results: byID)
        }
        return LessonRun(lessons: summaries, warnings: graded.warnings)
    }
}

/// The progress table of `course check` and `course grade`.
func progressTable(_ run: LessonRun, console: Console) -> [String] {
    let titleWidth = min(48, run.lessons.map(\.title.count).max() ?? 10) + 2
    var lines = ["  " + console.bold(pad("Lesson", 8) + pad("Title", titleWidth) + pad("Tests", 10) + "Points")]
    for lesson in run.lessons {
        let done = lesson.passed == lesson.tests.count && !lesson.tests.isEmpty
        let title = lesson.title.count > titleWidth - 2 ? String(lesson.title.prefix(titleWidth - 5)) + "..." : lesson.title
        let row = pad("\(lesson.lesson)", 8) + pad(title, titleWidth) + pad("\(lesson.passed)/\(lesson.tests.count)", 10)
            + "\(formatPoints(lesson.points))/\(formatPoints(lesson.maxPoints))"
        lines.append("  " + (done ? console.green(row) : row))
    }
    lines.append("  " + console.bold(pad("Total", 8 + titleWidth) + pad("\(run.passed)/\(run.total)", 10)
        + "\(formatPoints(run.points))/\(formatPoints(run.maxPoints))"))
    return lines
}
