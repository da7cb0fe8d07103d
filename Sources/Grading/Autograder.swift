// `course grade`: builds the student's Exercises (or a submitted copy of them), runs every graded
// test isolated and writes Gradescope's results.json. A submission that does not compile is a
// grade, not a failure of the grader: a lesson whose code (or whose tests, against its API) does
// not compile is swapped for its untouched stubs and scores 0 with the compiler's errors, and
// every other lesson is graded as usual.

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
        var runner = TestRunner(workspace: workspace, spec: spec, jobs: jobs, defaultTimeLimit: defaultTimeLimit)
        var build = try runner.build { console.progress("building: \($0)") }
        console.clearProgress()

        // Lessons that do not compile, with the compiler's errors; their stubs stand in for them.
        var uncompiled: [Int: String] = [:]
        if !build.succeeded, workspace.missingLessonFolder(spec) == nil {
            if submission == nil {
                // Exercises/ itself is never edited: the swaps happen in a copy.
                _ = try prepareSubmission(workspace.root + "/Exercises", lessons: lessons)
                runner = TestRunner(workspace: workspace, spec: .submission, jobs: jobs, defaultTimeLimit: defaultTimeLimit)
            }
            while !build.succeeded, let lesson = Self.failingLesson(build.output, lessons: lessons), uncompiled[lesson] == nil {
                uncompiled[lesson] = build.errors(root: workspace.root)
                console.print(console.red("Lesson \(lesson) does not compile") + "; grading the other lessons with its stubs in its place.")
                try replaceWithStubs(lesson)
                build = try runner.build { console.progress("building without Lesson \(lesson): \($0)") }
                console.clearProgress()
            }
        }

        let results: GradescopeResults
        if !build.succeeded {
            let errors = build.errors(root: workspace.root)
            console.print(console.red("The submission does not compile:"))
            console.print(indented(errors, "  "))
            let summaries = try configuredTests(workspace, lessons: lessons)
            let tests = summaries.flatMap { lesson in
                lesson.tests.map {
                    GradescopeResults.Test(name: testName($0.id), score: 0, maxScore: $0.points, passed: false,
                                           output: "Not run: the submission does not compile (see the overall output).",
                                           visibility: $0.visibility)
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
        var run = try runner.runLessons(lessons.filter { uncompiled[$0] == nil }) { result in
            done += 1
            console.progress("\(done) tests run, last: \(result.id.configName) \(result.status.tag)")
        }
        console.clearProgress()
        if !uncompiled.isEmpty {
            run = Self.withUncompiledLessons(run, uncompiled: uncompiled, configured: try configuredTests(workspace, lessons: lessons))
        }
        var tests: [GradescopeResults.Test] = []
        for lesson in run.lessons {
            for test in lesson.tests {
                guard let result = lesson.results[test.id] else { continue }
                let passed = result.status == .passed
                tests.append(GradescopeResults.Test(
                    name: testName(test.id), score: passed ? test.points : 0, maxScore: test.points,
                    passed: passed, output: testOutput(result, hint: test.hint), visibility: test.visibility))
            }
        }
        var output = notes
        for (lesson, errors) in uncompiled.sorted(by: { $0.key < $1.key }) {
            output += ["Lesson \(lesson) does not compile, so its tests scored 0 (its stubs stood in for it while the other lessons were graded). The compiler said:", "", errors, ""]
        }
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

    /// The lowest lesson a compiler error points into: its code (LessonN/) or its tests
    /// (LessonNTests/, which break when a student changes the lesson's API). SwiftPM stops at
    /// the first module that fails, so later lessons are only known to compile once it is fixed.
    static func failingLesson(_ buildOutput: String, lessons: [Int]) -> Int? {
        var found: Set<Int> = []
        for line in buildOutput.split(separator: "\n") where line.contains("error:") {
            for lesson in lessons where line.contains("/Lesson\(lesson)/") || line.contains("/Lesson\(lesson)Tests/") {
                found.insert(lesson)
            }
        }
        return found.min()
    }

    /// The submission copy's LessonN replaced by the stubs Solutions/LessonN generate (what an
    /// untouched Exercises/LessonN holds).
    private func replaceWithStubs(_ lesson: Int) throws {
        let fm = FileManager.default
        let target = "\(workspace.root)/\(Workspace.submissionDirectory)/Lesson\(lesson)"
        try? fm.removeItem(atPath: target)
        let prefix = "Exercises/Lesson\(lesson)/"
        for (path, data) in try ExerciseGenerator.expectedExercises(root: workspace.root, lesson: lesson) {
            let url = URL(fileURLWithPath: target + "/" + path.dropFirst(prefix.count))
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
    }

    /// `run` with the lessons that did not compile added back: every test 0 points, with the
    /// compiler's first error as the reason.
    static func withUncompiledLessons(_ run: LessonRun, uncompiled: [Int: String], configured: [LessonSummary]) -> LessonRun {
        var lessons = run.lessons
        for summary in configured {
            guard let errors = uncompiled[summary.lesson] else { continue }
            var lesson = summary
            let reason = "Lesson \(summary.lesson) does not compile: " + firstLine(errors, max: 200)
            for test in lesson.tests {
                lesson.results[test.id] = TestResult(id: test.id, status: .failed, summary: reason, output: errors, seconds: 0)
            }
            lessons.append(lesson)
        }
        lessons.sort { $0.lesson < $1.lesson }
        return LessonRun(lessons: lessons, warnings: run.warnings)
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
