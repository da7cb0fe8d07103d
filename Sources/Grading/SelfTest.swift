// `course selftest` (what `make test` and CI run), the course's own checks, as rustlings'
// `dev check`: every test passes on the Solutions track, Exercises are what Solutions
// generate, every graded test fails on the untouched exercise stubs, and the student edition
// and the Gradescope autograder work (EditionSelfTest.swift).

import Foundation

public struct SelfTest {
    public var workspace: Workspace
    public var jobs: Int
    public var defaultTimeLimit: Double
    /// Only part 1, the Solutions track's tests (`make test-matrix` runs them under each OpenBLAS
    /// kernel; the other parts do no arithmetic).
    public var solutionsOnly = false

    public init(workspace: Workspace, jobs: Int, defaultTimeLimit: Double) {
        self.workspace = workspace
        self.jobs = jobs
        self.defaultTimeLimit = defaultTimeLimit
    }

    final class Tally: @unchecked Sendable {
        var passed = 0
        var failures: [(name: String, why: String)] = []
        /// The tracks whose every target (walkthroughs included) built in this run.
        var fullyBuilt: [Track] = []
        let console: Console
        init(console: Console) { self.console = console }

        func record(_ name: String, ok: Bool, why: String = "", seconds: Double? = nil) {
            let time = seconds.map { console.dim(" (\(formatSeconds($0)))") } ?? ""
            if ok {
                passed += 1
                console.print("  \(console.green("ok  ")) \(name)\(time)")
            } else {
                failures.append((name, why))
                console.print("  \(console.red("FAIL")) \(name)\(time)")
                console.print(indented(firstLines(why, 20), "       "))
            }
        }
    }

    /// Runs every check; returns true when all passed. The last line printed is
    /// "N passed, N failed".
    public func run(console: Console) throws -> Bool {
        let start = Date()
        let tally = Tally(console: console)
        let lessons = workspace.lessons
        console.print(console.bold("Course self-test") + ": lessons \(lessons.map(String.init).joined(separator: ", ")), \(jobs) tests at a time")

        // (a) The reference: every test, library and lessons, passes on the Solutions track.
        console.print()
        console.print(console.bold("1. Solutions track: every test passes"))
        let solutions = TestRunner(workspace: workspace, spec: .track(.solutions), jobs: jobs, defaultTimeLimit: defaultTimeLimit)
        if try buildTrack(solutions, tally: tally, console: console) {
            let all = try solutions.listTests()
            if all.isEmpty { tally.record("the test bundle has tests", ok: false, why: "--list-tests printed none") }
            let graded = try solutions.gradedTests(lessons: lessons)
            let limits = Dictionary(graded.tests.values.flatMap { $0 }.map { ($0.id, $0.timeLimit) }, uniquingKeysWith: { a, _ in a })
            let results = solutions.run(all.map { ($0, limits[$0] ?? nil) }) { result in
                tally.record(result.id.description, ok: result.status == .passed,
                             why: "\(result.status.tag): \(result.summary)", seconds: result.seconds)
            }
            // What the time goes on, for keeping CI fast.
            let slowest = results.sorted { $0.seconds > $1.seconds }.prefix(5)
            console.print(console.dim("  slowest: " + slowest.map { "\($0.id.configName) \(formatSeconds($0.seconds))" }.joined(separator: ", ")))
            // grading.json lists exactly the lesson's tests.
            for lesson in lessons {
                let mine = graded.warnings.filter { $0.contains("Lesson\(lesson)Tests") }
                let hasTests = !(graded.tests[lesson] ?? []).isEmpty
                tally.record("Tests/Lesson\(lesson)Tests/grading.json lists every test of the lesson",
                             ok: mine.isEmpty && hasTests,
                             why: hasTests ? mine.joined(separator: "\n") : "Lesson \(lesson) has no tests")
            }
        }

        if solutionsOnly { return summarize(tally, since: start, console: console) }

        // (b) Exercises are exactly what Solutions generate.
        console.print()
        console.print(console.bold("2. Exercises are generated from Solutions"))
        do {
            let drift = try ExerciseGenerator.drift(root: workspace.root, lessons: lessons)
            tally.record("Exercises/ matches Solutions/ (make exercises)", ok: drift.isEmpty,
                         why: drift.map(\.description).joined(separator: "\n") + "\nRegenerate with: make exercises")
        } catch {
            tally.record("Exercises/ matches Solutions/ (make exercises)", ok: false, why: "\(error)")
        }

        // The reference keeps the rule it grades by: no pointers in a region, no imports that
        // could exit, spawn or open files in a file with regions.
        do {
            let problems = try RegionAudit.problems(root: workspace.root, lessons: lessons)
            tally.record("Solutions/' regions pass the region scan (no pointers) and their files import only TensorCore and earlier lessons",
                         ok: problems.isEmpty, why: problems.joined(separator: "\n"))
        } catch {
            tally.record("Solutions/' regions pass the region scan", ok: false, why: "\(error)")
        }

        // The grader takes the reference and the untouched exercises as they are: no region of
        // theirs trips the region scan, and no file is refused.
        for (label, folder) in [("Solutions/", "Solutions"), ("Exercises/", "Exercises")] {
            var problems: [String] = []
            for lesson in lessons {
                let intake = try SubmissionIntake.intake(root: workspace.root + "/" + folder, lesson: lesson, workspace: workspace)
                problems += intake.notes + (intake.refusal.map { [$0] } ?? [])
            }
            tally.record("the grader takes \(label) as a submission without a note", ok: problems.isEmpty,
                         why: problems.joined(separator: "\n"))
        }

        // (c) The stubs: every graded test fails on the untouched exercises.
        console.print()
        console.print(console.bold("3. Exercises track: every graded test fails on the stubs"))
        let exercises = TestRunner(workspace: workspace, spec: .track(.exercises), jobs: jobs, defaultTimeLimit: defaultTimeLimit)
        if try buildTrack(exercises, tally: tally, console: console) {
            let graded = try exercises.gradedTests(lessons: lessons)
            let tests = lessons.flatMap { graded.tests[$0] ?? [] }
            _ = exercises.run(tests.map { ($0.id, $0.timeLimit) }) { result in
                tally.record("\(result.id.description) fails on the stubs", ok: result.status != .passed,
                             why: "it passes without any exercise written: it must call lesson code and check its result",
                             seconds: result.seconds)
            }
        }

        // (d) The walkthroughs: each `make lessonN` runs in smoke mode and writes its charts and metrics.
        console.print()
        console.print(console.bold("4. Walkthroughs run (--smoke, debug build): solutions finish, exercises stop at a stub"))
        for track in [Track.solutions, .exercises] where !tally.fullyBuilt.contains(track) {
            console.print(console.dim("  (not run on the \(track.rawValue) track: its build failed above)"))
        }
        let walkthroughsStart = Date()
        WalkthroughSmokeTest(workspace: workspace, jobs: jobs)
            .run(lessons: lessons, tracks: tally.fullyBuilt) { name, ok, why, seconds in
                tally.record(name, ok: ok, why: why, seconds: seconds)
            }
        console.print(console.dim("  walkthroughs: \(formatSeconds(Date().timeIntervalSince(walkthroughsStart))) in all"))

        // (e) What leaves the instructor's hands: the student edition and the Gradescope zip.
        console.print()
        console.print(console.bold("5. The student edition and the Gradescope autograder, used as a student and Gradescope would"))
        checkEditions(tally: tally, console: console)

        return summarize(tally, since: start, console: console)
    }
}

/// Prints the failures and the last line, "N passed, N failed"; true when nothing failed.
private func summarize(_ tally: SelfTest.Tally, since start: Date, console: Console) -> Bool {
    console.print()
    if tally.failures.isEmpty {
        console.print(console.green("Everything passed") + " in \(formatSeconds(Date().timeIntervalSince(start))).")
    } else {
        console.print(console.red("\(tally.failures.count) failed") + " (in \(formatSeconds(Date().timeIntervalSince(start)))):")
        for failure in tally.failures {
            console.print("  - \(failure.name): \(firstLine(failure.why, max: 110))")
        }
    }
    console.print("\(tally.passed) passed, \(tally.failures.count) failed")
    return tally.failures.isEmpty
}

/// Builds every target of the runner's track (one check). When that fails, builds the test
/// bundle alone, so that one walkthrough that does not compile does not hide every test
/// result. Returns whether the tests can run.
private func buildTrack(_ runner: TestRunner, tally: SelfTest.Tally, console: Console) throws -> Bool {
    let root = runner.workspace.root
    let full = try runner.build(everything: true) { console.progress("building: \($0)") }
    tally.record("build the \(runner.spec.label) (every target)", ok: full.succeeded,
                 why: full.errors(root: root), seconds: full.seconds)
    if full.succeeded, let track = Track.allCases.first(where: { BuildSpec.track($0).scratchPath == runner.spec.scratchPath }) {
        tally.fullyBuilt.append(track)
    }
    if full.succeeded { return true }
    let tests = try runner.build(everything: false) { console.progress("building the tests alone: \($0)") }
    if !tests.succeeded {
        tally.record("build the \(runner.spec.label)'s tests", ok: false, why: tests.errors(root: root), seconds: tests.seconds)
    }
    return tests.succeeded
}

private func firstLines(_ s: String, _ n: Int) -> String {
    let lines = s.split(separator: "\n", omittingEmptySubsequences: false)
    return lines.count <= n ? s : (lines.prefix(n) + ["... (\(lines.count - n) more lines)"]).joined(separator: "\n")
}
