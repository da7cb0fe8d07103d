// `course check`: the student's loop, in the manner of rustlings and MiniTorch. Build the
// exercises, run each lesson's tests, say per test what happened and what to do next.

import Foundation

public struct Checker {
    public var workspace: Workspace
    /// nil: every lesson.
    public var lesson: Int?
    public var jobs: Int
    public var defaultTimeLimit: Double

    public init(workspace: Workspace, lesson: Int?, jobs: Int, defaultTimeLimit: Double) {
        self.workspace = workspace
        self.lesson = lesson
        self.jobs = jobs
        self.defaultTimeLimit = defaultTimeLimit
    }

    /// Returns false when the exercises do not compile (nothing could be checked).
    public func check(console: Console) throws -> Bool {
        let lessons = workspace.lessons
        if let lesson, !lessons.contains(lesson) {
            throw GradingError("there is no Lesson \(lesson) (lessons: \(lessons.map(String.init).joined(separator: ", ")))")
        }
        let selected = lesson.map { [$0] } ?? lessons
        console.print(console.bold("LSTMs from scratch, in Swift") + " — checking your exercises in Exercises/"
            + (lesson.map { "Lesson\($0)" } ?? ""))
        let runner = TestRunner(workspace: workspace, spec: .track(.exercises), jobs: jobs, defaultTimeLimit: defaultTimeLimit)
        guard try runner.buildExercises(progress: "building the exercises track (the first build takes a few minutes)",
                                        advice: "Fix the first error, then run this again.", console: console) else { return false }

        var done = 0
        let run = try runner.runLessons(selected) { result in
            done += 1
            console.progress("\(done) tests run, last: \(result.id.configName) \(result.status.tag)")
        }
        console.clearProgress()
        for summary in run.lessons {
            console.print()
            console.print(console.bold("Lesson \(summary.lesson): \(summary.title)")
                + console.dim("  (Lessons/Lesson\(summary.lesson)/README.md)"))
            // Hints for what failed, and for the first unwritten exercise only: the other
            // stubs' hints are for later.
            var hintedTODO = false
            let width = nameWidth(summary.tests)
            for test in summary.tests {
                guard let result = summary.results[test.id] else { continue }
                let score = "\(formatPoints(result.status == .passed ? test.points : 0))/\(formatPoints(test.points))"
                console.print("  \(console.tag(result.status))  \(pad(test.id.configName, width)) \(score)")
                guard result.status != .passed else { continue }
                console.print(indented(describe(result), "        "))
                if result.status == .unimplemented {
                    if hintedTODO { continue }
                    hintedTODO = true
                }
                if let hint = test.hint, !hint.isEmpty { console.print(console.dim("        hint: \(hint)")) }
            }
        }
        console.print()
        console.print(console.bold("Progress"))
        progressTable(run, console: console).forEach { console.print($0) }
        for warning in run.warnings { console.print(console.yellow("warning: ") + firstLine(warning, max: 240)) }
        console.print()
        console.print(nextStep(run, console: console))
        return true
    }

    /// What a student reads under a test that did not pass: the first failure, shortened.
    func describe(_ result: TestResult) -> String {
        let lines = result.summary.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.count <= 12 { return result.summary }
        return (lines.prefix(12) + ["... (\(lines.count - 12) more lines; `make grade` keeps the whole output in out/grade/results.json)"])
            .joined(separator: "\n")
    }

    /// The next thing to do: the first unpassed test of the earliest unfinished lesson.
    func nextStep(_ run: LessonRun, console: Console) -> String {
        for summary in run.lessons {
            guard let test = summary.tests.first(where: { summary.results[$0.id]?.status != .passed }),
                  let result = summary.results[test.id] else { continue }
            let what: String
            if result.status == .unimplemented {
                what = "write " + (result.summary.components(separatedBy: " is not written yet").first.map {
                    $0.replacingOccurrences(of: "Lesson \(summary.lesson): ", with: "")
                } ?? test.id.configName)
            } else {
                what = "make \(test.id.configName) pass"
            }
            return "Next: \(what) (Lesson \(summary.lesson), see Lessons/Lesson\(summary.lesson)/README.md), then run "
                + console.bold("make check LESSON=\(summary.lesson)") + "."
        }
        if run.total == 0 { return "No graded tests yet." }
        if let lesson, workspace.lessons.contains(lesson + 1) {
            return console.green("Lesson \(lesson) is done.") + " Watch it run: make lesson\(lesson). Next: make check LESSON=\(lesson + 1)."
        }
        return console.green("Every test passes.") + " Run the walkthroughs (make lesson1 ...) and try `make grade`."
    }
}

extension TestRunner {
    /// Builds the student's exercises; when they do not compile, prints the compiler's errors
    /// and `advice`, and returns false.
    func buildExercises(progress: String, advice: String, console: Console) throws -> Bool {
        console.progress(progress)
        let build = try self.build { console.progress("building: \($0)") }
        console.clearProgress()
        guard build.succeeded else {
            console.print(console.red("Your exercises do not compile yet.") + " The compiler says:")
            console.print(indented(build.errors(root: workspace.root), "  "))
            console.print()
            console.print(advice)
            return false
        }
        return true
    }
}
