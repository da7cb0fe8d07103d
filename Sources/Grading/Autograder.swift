// `course grade`: builds the student's Exercises (or a submitted copy of them), runs every graded
// test isolated and writes Gradescope's results.json. A submission that does not compile is a
// grade (0, with the compiler's errors), not a failure of the grader.

import Foundation

public struct Autograder {
    public var workspace: Workspace
    /// A folder holding Lesson1/, Lesson2/... (or one LessonN folder); nil grades Exercises/.
    public var submission: String?
    public var resultsPath: String
    public var jobs: Int
    public var defaultTimeLimit: Double

    public init(workspace: Workspace, submission: String?, resultsPath: String, jobs: Int, defaultTimeLimit: Double) {
        self.workspace = workspace
        self.submission = submission
        self.resultsPath = resultsPath
        self.jobs = jobs
        self.defaultTimeLimit = defaultTimeLimit
    }

    /// Grades, writes results.json and prints a table. Throws only when the grader itself fails.
    @discardableResult
    public func grade(console: Console) throws -> GradescopeResults {
        let start = Date()
        let lessons = workspace.lessons
        var notes: [String] = []
        let spec: BuildSpec
        let what: String
        if let submission {
            notes += try prepareSubmission(submission, lessons: lessons)
            spec = .submission
            what = submission
        } else {
            spec = .track(.exercises)
            what = "Exercises/"
        }
        console.print(console.bold("Grading \(what)") + " (lessons \(lessons.map(String.init).joined(separator: ", ")))")
        let runner = TestRunner(workspace: workspace, spec: spec, jobs: jobs, defaultTimeLimit: defaultTimeLimit)
        let build = try runner.build { console.progress("building: \($0)") }
        console.clearProgress()

        let results: GradescopeResults
        if !build.succeeded {
            let errors = build.errors(root: workspace.root)
            console.print(console.red("The submission does not compile:"))
            console.print(indented(errors, "  "))
            let summaries = try configuredTests(workspace, lessons: lessons)
            let tests = summaries.flatMap { lesson in
                lesson.tests.map {
                    GradescopeResults.Test(name: testName($0.id), score: 0, maxScore: $0.points, passed: false,
                                           output: "Not run: the submission does not compile (see the overall output).")
                }
            }
            let output = (notes + ["The submission does not compile, so no test could run. The compiler said:", "", errors])
                .joined(separator: "\n")
            results = GradescopeResults(tests: tests, executionTime: Date().timeIntervalSince(start), output: output)
            try write(results)
            console.print("0/\(formatPoints(results.maxScore)) points. Wrote \(relativePath(resultsPath, root: workspace.root))")
            return results
        }

        var done = 0
        let run = try runner.runLessons(lessons) { result in
            done += 1
            console.progress("\(done) tests run, last: \(result.id.configName) \(result.status.tag)")
        }
        console.clearProgress()
        var tests: [GradescopeResults.Test] = []
        for lesson in run.lessons {
            for test in lesson.tests {
                guard let result = lesson.results[test.id] else { continue }
                let passed = result.status == .passed
                tests.append(GradescopeResults.Test(
                    name: testName(test.id), score: passed ? test.points : 0, maxScore: test.points,
                    passed: passed, output: testOutput(result, hint: test.hint)))
            }
        }
        var output = notes
        output.append("Graded \(what): \(formatPoints(run.points))/\(formatPoints(run.maxPoints)) points, \(run.passed) of \(run.total) tests passed.")
        output += run.lessons.map { "Lesson \($0.lesson) (\($0.title)): \($0.passed)/\($0.tests.count) tests, \(formatPoints($0.points))/\(formatPoints($0.maxPoints)) points" }
        if !run.warnings.isEmpty { output += ["", "Grading configuration warnings:"] + run.warnings }
        results = GradescopeResults(tests: tests, executionTime: Date().timeIntervalSince(start), output: output.joined(separator: "\n"))
        try write(results)

        for lesson in run.lessons {
            console.print()
            console.print(console.bold("Lesson \(lesson.lesson): \(lesson.title)"))
            let width = nameWidth(lesson.tests)
            for test in lesson.tests {
                guard let result = lesson.results[test.id] else { continue }
                let score = "\(formatPoints(result.status == .passed ? test.points : 0))/\(formatPoints(test.points))"
                var line = "  \(console.tag(result.status))  \(pad(test.id.configName, width)) \(pad(score, 6))"
                if result.status != .passed { line += " " + console.dim(firstLine(result.summary, max: 90)) }
                console.print(line)
            }
        }
        console.print()
        progressTable(run, console: console).forEach { console.print($0) }
        for warning in run.warnings { console.print(console.yellow("warning: ") + firstLine(warning, max: 240)) }
        console.print("Wrote \(relativePath(resultsPath, root: workspace.root)) in \(formatSeconds(Date().timeIntervalSince(start))).")
        return results
    }

    private func write(_ results: GradescopeResults) throws {
        let url = URL(fileURLWithPath: resultsPath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try results.encoded().write(to: url, options: .atomic)
    }

    /// Copies the submission's lesson folders into .grade/submission. A lesson it lacks is
    /// graded on the untouched stubs (0 points), and the output says so.
    func prepareSubmission(_ path: String, lessons: [Int]) throws -> [String] {
        let fm = FileManager.default
        let source = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: fm.currentDirectoryPath + "/")).standardizedFileURL.path
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: source, isDirectory: &isDir), isDir.boolValue else {
            throw GradingError("the submission \(path) is not a folder")
        }
        let target = workspace.root + "/" + Workspace.submissionDirectory
        guard source != target, !source.hasPrefix(target + "/") else {
            throw GradingError("the submission cannot be the grader's own copy (\(Workspace.submissionDirectory)); pass the original folder")
        }
        try? fm.removeItem(atPath: target)
        try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
        var notes: [String] = []
        for lesson in lessons {
            let name = "Lesson\(lesson)"
            let candidates = ["\(source)/\(name)", "\(source)/Exercises/\(name)"]
                + (URL(fileURLWithPath: source).lastPathComponent == name ? [source] : [])
            if let found = candidates.first(where: { fm.fileExists(atPath: $0, isDirectory: &isDir) && isDir.boolValue }) {
                try copySwiftFiles(from: found, to: "\(target)/\(name)")
            } else {
                try copySwiftFiles(from: "\(workspace.root)/Exercises/\(name)", to: "\(target)/\(name)")
                notes.append("Lesson \(lesson) is not in the submission (no \(name) folder): graded on the unwritten exercise stubs.")
            }
        }
        return notes
    }

    /// The .swift files of `from` (and its subfolders) only: no build folders or stray files.
    private func copySwiftFiles(from: String, to: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: to, withIntermediateDirectories: true)
        for relative in try ExerciseGenerator.filesUnder(from)
        where relative.hasSuffix(".swift") && !relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
            let destination = "\(to)/\(relative)"
            try fm.createDirectory(atPath: URL(fileURLWithPath: destination).deletingLastPathComponent().path,
                                   withIntermediateDirectories: true)
            try fm.copyItem(atPath: "\(from)/\(relative)", toPath: destination)
        }
    }
}

/// "Lesson 1 · LinearTests/testLinearForward"
func testName(_ id: TestID) -> String {
    "Lesson \(id.lesson.map(String.init) ?? "?") · \(id.configName)"
}

/// A test's Gradescope output: the verdict, the hint, then what the test printed.
func testOutput(_ result: TestResult, hint: String?) -> String {
    if result.status == .passed { return "Passed in \(formatSeconds(result.seconds))." }
    var parts = ["\(result.status.tag): \(result.summary)"]
    if let hint, !hint.isEmpty { parts.append("Hint: \(hint)") }
    if !result.output.isEmpty {
        let output = result.output.count > 3000
            ? String(result.output.prefix(1500)) + "\n[...]\n" + String(result.output.suffix(1500))
            : result.output
        parts.append("Output:\n" + output)
    }
    return parts.joined(separator: "\n\n")
}

/// The name column's width: the longest test name of the lesson.
func nameWidth(_ tests: [GradingConfig.GradedTest]) -> Int {
    min(80, tests.map(\.id.configName.count).max() ?? 40)
}

func firstLine(_ s: String, max: Int) -> String {
    let line = s.split(separator: "\n").first.map(String.init) ?? ""
    return line.count > max ? String(line.prefix(max - 3)) + "..." : line
}
