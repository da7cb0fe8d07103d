// `course grade`: grades Exercises/ (or a submitted copy of them) and writes Gradescope's
// results.json. The submission is untrusted input (SubmissionIntake): from each lesson only the
// solution regions are taken, spliced into the course's files; each graded test runs alone in a
// sandbox (Sandbox), and passes only on the record of the course's test harness (GradingChannel).
//
// A lesson that is refused, missing or does not compile scores 0 on its own tests, and the
// course's reference code (Solutions/LessonN) stands in for it, so the later lessons that build
// on it are still graded; results.json says which lessons were graded that way.

import Foundation

public struct Autograder {
    public var workspace: Workspace
    /// A folder holding Lesson1/, Lesson2/... (or one LessonN folder); nil grades Exercises/.
    public var submission: String?
    public var resultsPath: String
    public var jobs: Int
    public var defaultTimeLimit: Double
    /// Only these lessons (the others: reference code, not in results.json); nil grades all.
    public var lessons: [Int]?
    /// Seconds the build of the submission may take.
    public var buildTimeLimit: Double = 1800
    public var limits = ResourceLimits()
    /// Take each submitted file whole instead of its regions. Only the grader's own attack suite
    /// does this, to show that the sandbox and the grading record hold without the splice.
    var wholeFiles = false
    /// Called after the tests ran, before results.json is written (the attack suite counts leftovers).
    var afterTests: ((Sandbox?) -> Void)?

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
        let all = workspace.lessons
        let graded = try lessons.map { chosen -> [Int] in
            if let bad = chosen.first(where: { !all.contains($0) }) {
                throw GradingError("there is no Lesson \(bad) (lessons: \(all.map(String.init).joined(separator: ", ")))")
            }
            return chosen.sorted()
        } ?? all
        let source = try submissionFolder()
        let what = submission ?? "Exercises/"
        console.print(console.bold("Grading \(what)") + " (lesson\(graded.count == 1 ? "" : "s") \(graded.map(String.init).joined(separator: ", ")))")

        // What each graded lesson brings: its spliced files, or why the reference stands in.
        var intakes: [Int: LessonIntake] = [:]
        var notRun: [Int: String] = [:]
        for lesson in graded {
            let intake = try wholeFiles ? wholeFileIntake(source, lesson: lesson) : SubmissionIntake.intake(root: source, lesson: lesson, workspace: workspace)
            intakes[lesson] = intake
            if let refusal = intake.refusal {
                notRun[lesson] = "Lesson \(lesson) was not graded: \(refusal)"
                console.print(console.red("Lesson \(lesson) refused") + ": \(refusal)")
            }
            for note in intake.notes { console.print(console.yellow("note: ") + note) }
        }
        func studentLessons() -> [Int] { graded.filter { notRun[$0] == nil } }
        for lesson in all { try writeLesson(lesson, files: studentLessons().contains(lesson) ? intakes[lesson]?.files : nil) }

        var runner = TestRunner(workspace: workspace, spec: .submission, jobs: jobs, defaultTimeLimit: defaultTimeLimit)
        runner.buildTimeLimit = buildTimeLimit
        func build(_ label: String) throws -> BuildResult {
            let result = try runner.build { console.progress("\(label): \($0)") }
            console.clearProgress()
            return result
        }
        var result = try build("building")
        while !result.succeeded {
            let errors = result.errors(root: workspace.root)
            if let lesson = Self.failingLesson(result.output, lessons: studentLessons()) {
                notRun[lesson] = "Lesson \(lesson) does not compile. The compiler said:\n\(errors)"
                console.print(console.red("Lesson \(lesson) does not compile") + "; grading the other lessons with the reference code in its place.")
                try writeLesson(lesson, files: nil)
                result = try build("building without Lesson \(lesson)")
                continue
            }
            // An error no lesson's file is named in (the linker, a tool): lesson by lesson, on
            // top of the reference code, keeping each lesson that still builds.
            console.print(console.yellow("The build failed without naming a lesson") + "; building lesson by lesson.")
            let candidates = studentLessons()
            for lesson in candidates { try writeLesson(lesson, files: nil) }
            result = try build("building the reference code")
            guard result.succeeded else {
                throw GradingError("the course's reference code does not build:\n\(result.errors(root: workspace.root))")
            }
            for lesson in candidates {
                try writeLesson(lesson, files: intakes[lesson]?.files)
                let attempt = try build("building with Lesson \(lesson)")
                if !attempt.succeeded {
                    notRun[lesson] = "Lesson \(lesson) does not build (a link or tool error). The build said:\n\(attempt.errors(root: workspace.root))"
                    console.print(console.red("Lesson \(lesson) does not build") + "; the reference code stands in for it.")
                    try writeLesson(lesson, files: nil)
                }
            }
            result = try build("building")
            guard result.succeeded else {
                throw GradingError("the build failed after every lesson was checked:\n\(result.errors(root: workspace.root))")
            }
        }

        // What the tests must not change, and the sandbox they run in.
        let bundle = workspace.bundlePath(runner.spec)
        let trusted = ["Tests", "Sources", "Package.swift", Workspace.submissionDirectory].map { workspace.root + "/" + $0 } + [bundle]
        let before = TreeDigest.digests(trusted)
        let resultsFolder = URL(fileURLWithPath: resultsPath).deletingLastPathComponent().path
        let sandbox = try Sandbox(workspace: workspace, bundle: bundle, hide: [workspace.root, resultsFolder, source],
                                  slots: jobs, limits: limits)
        runner.sandbox = sandbox
        console.print(console.dim(sandbox.description))
        let sandboxBefore = TreeDigest.digests([sandbox.bundle, sandbox.courseRoot])

        var done = 0
        let graded2 = try runner.gradedTests(lessons: graded)
        let toRun = studentLessons()
        let order = toRun.flatMap { graded2.tests[$0] ?? [] }
        let testResults = runner.run(order.map { ($0.id, $0.timeLimit) }) { result in
            done += 1
            console.progress("\(done)/\(order.count) tests run, last: \(result.id.configName) \(result.status.tag)")
        }
        console.clearProgress()
        afterTests?(sandbox)

        let changed = TreeDigest.changes(before, TreeDigest.digests(trusted))
            + TreeDigest.changes(sandboxBefore, TreeDigest.digests([sandbox.bundle, sandbox.courseRoot]))
        guard changed.isEmpty else {
            let list = changed.prefix(10).map { relativePath($0, root: workspace.root) }.joined(separator: ", ")
            let results = GradescopeResults(tests: [], executionTime: Date().timeIntervalSince(start),
                                            output: "Grading stopped: files the grader trusts changed while the tests ran (\(list)). No score is given; ask the instructor.")
            try write(results)
            throw GradingError("files the grader trusts changed while the tests ran: \(list)")
        }

        var byID = Dictionary(testResults.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (lesson, reason) in notRun {
            for test in graded2.tests[lesson] ?? [] {
                byID[test.id] = TestResult(id: test.id, status: .failed, summary: firstLine(reason, max: 300), output: reason, seconds: 0)
            }
        }
        let run = LessonRun(lessons: graded.map {
            LessonSummary(lesson: $0, title: graded2.titles[$0] ?? "Lesson \($0)", tests: graded2.tests[$0] ?? [], results: byID)
        }, warnings: graded2.warnings)

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
        var output: [String] = []
        for lesson in graded {
            output += intakes[lesson]?.notes ?? []
            if let reason = notRun[lesson] {
                output += [reason, "Its tests scored 0; the course's reference code for Lesson \(lesson) stood in for it while the other lessons were graded.", ""]
            }
        }
        let onReference = notRun.keys.sorted()
        if !onReference.isEmpty {
            output.append("Graded on top of the reference code of lesson\(onReference.count == 1 ? "" : "s") \(onReference.map(String.init).joined(separator: ", ")).")
        }
        output.append("Graded \(what): \(formatPoints(run.points))/\(formatPoints(run.maxPoints)) points, \(run.passed) of \(run.total) tests passed.")
        output += run.lessons.map { "Lesson \($0.lesson) (\($0.title)): \($0.passed)/\($0.tests.count) tests, \(formatPoints($0.points))/\(formatPoints($0.maxPoints)) points" }
        output.append(sandbox.description)
        if !run.warnings.isEmpty { output += ["", "Grading configuration warnings:"] + run.warnings }
        let results = GradescopeResults(tests: tests, executionTime: Date().timeIntervalSince(start), output: output.joined(separator: "\n"))
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

    /// The submitted folder, absolute; Exercises/ when none was given.
    func submissionFolder() throws -> String {
        let fm = FileManager.default
        let path = submission ?? workspace.root + "/Exercises"
        let source = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: fm.currentDirectoryPath + "/")).standardizedFileURL.path
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: source, isDirectory: &isDir), isDir.boolValue else {
            throw GradingError("the submission \(SubmissionIntake.shown(path)) is not a folder")
        }
        let target = workspace.root + "/" + Workspace.submissionDirectory
        guard source != target, !source.hasPrefix(target + "/") else {
            throw GradingError("the submission cannot be the grader's own copy (\(Workspace.submissionDirectory)); pass the original folder")
        }
        return source
    }

    /// The lowest lesson a compiler error points into: its code (LessonN/), its tests
    /// (LessonNTests/, which break when a student changes the lesson's API) or its objects
    /// (LessonN.build/, in linker errors). SwiftPM stops at the first module that fails, so later
    /// lessons are only known to compile once it is fixed.
    static func failingLesson(_ buildOutput: String, lessons: [Int]) -> Int? {
        var found: Set<Int> = []
        for line in buildOutput.split(separator: "\n") where line.contains("error:") || line.contains(">>> ") {
            for lesson in lessons where line.contains("/Lesson\(lesson)/") || line.contains("/Lesson\(lesson)Tests/")
                || line.contains("/Lesson\(lesson).build/") {
                found.insert(lesson)
            }
        }
        return found.min()
    }

    /// .grade/submission/LessonN: the spliced files, or (nil) the course's reference code.
    private func writeLesson(_ lesson: Int, files: [String: String]?) throws {
        let fm = FileManager.default
        let target = "\(workspace.root)/\(Workspace.submissionDirectory)/Lesson\(lesson)"
        try? fm.removeItem(atPath: target)
        try fm.createDirectory(atPath: target, withIntermediateDirectories: true)
        if let files {
            for (relative, text) in files {
                let url = URL(fileURLWithPath: target + "/" + relative)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url)
            }
            return
        }
        let reference = "\(workspace.root)/Solutions/Lesson\(lesson)"
        for relative in try ExerciseGenerator.filesUnder(reference) where relative.hasSuffix(".swift") {
            let url = URL(fileURLWithPath: target + "/" + relative)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(atPath: reference + "/" + relative, toPath: url.path)
        }
    }

    /// The attack suite's whole-file mode: the submitted .swift files as they are (links followed).
    private func wholeFileIntake(_ source: String, lesson: Int) throws -> LessonIntake {
        guard case .folder(let folder) = SubmissionIntake.lessonFolder(source, lesson: lesson) else {
            return LessonIntake(lesson: lesson, files: nil, refusal: "no Lesson\(lesson) folder", notes: [])
        }
        var files: [String: String] = [:]
        for relative in try ExerciseGenerator.filesUnder(folder) where relative.hasSuffix(".swift") {
            files[relative] = try String(contentsOfFile: folder + "/" + relative, encoding: .utf8)
        }
        return LessonIntake(lesson: lesson, files: files, refusal: nil, notes: [])
    }

    private func write(_ results: GradescopeResults) throws {
        let url = URL(fileURLWithPath: resultsPath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try results.encoded().write(to: url, options: .atomic)
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
