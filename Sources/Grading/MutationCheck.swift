// `course mutants` (make mutants): do the lesson tests catch the mistakes students make?
// Each mutant of Tests/Mutants/LessonN.txt is applied alone to a copy of the reference
// solution, the lesson's tests run against it, and a mutant that every test passes on (a
// survivor) is listed with its file and line. A survivor needs a test that kills it, or a
// `survives:` line in the catalogue saying why none can.
//
// Speed: the mutants never touch the checkout. They are applied to a copy of the package in
// .build-mutants/package that holds only Lessons 1...N, so each mutant costs an incremental
// rebuild of one file of one lesson module plus the link of the test bundle, then that lesson's
// tests one process each, stopping at the first failure (the tests that killed earlier
// mutants of the same file go first). A mutant that crashes or loops until its time limit is
// killed too. Interrupting is safe: only the copy was changed, and the next run re-syncs it.

import Foundation

public struct MutationCheck {
    public var workspace: Workspace
    public var lessons: [Int]
    public var jobs: Int
    /// Only the mutants whose mistake or location contains this text (nil: all).
    public var only: String?

    /// Where the copy of the package lives (git ignores .build*).
    public static let copyDirectory = ".build-mutants/package"

    public init(workspace: Workspace, lessons: [Int], jobs: Int, only: String? = nil) {
        self.workspace = workspace
        self.lessons = lessons
        self.jobs = max(1, jobs)
        self.only = only
    }

    public enum Outcome: Sendable {
        case killed(by: TestID, TestStatus)
        case survived
        /// The mutated code does not compile: a broken catalogue entry, not a test result.
        case doesNotCompile(String)
    }

    struct LessonTally {
        var lesson: Int
        var mutants = 0, killed = 0, survived = 0, allowed = 0, broken = 0
        var seconds = 0.0
    }

    /// Checks every catalogue, then runs the mutants lesson by lesson. Returns false when a
    /// catalogue has problems, a mutant does not compile, a survivor is not explained, an
    /// explained one was killed after all (a stale `survives:` line), or the copy's
    /// solutions fail their own tests.
    public func run(console: Console) throws -> Bool {
        let start = Date()
        // The copy's tests look for the shared data beside the checkout, not beside the copy.
        if ProcessInfo.processInfo.environment["COURSE_DATA"] == nil {
            setenv("COURSE_DATA", URL(fileURLWithPath: workspace.root).deletingLastPathComponent()
                .appendingPathComponent("shared/data").standardizedFileURL.path, 1)
        }
        var problems: [String] = []
        var catalogues: [Int: [PlacedMutant]] = [:]
        for lesson in lessons {
            let loaded = MutantCatalogue.load(root: workspace.root, lesson: lesson)
            catalogues[lesson] = loaded.mutants.filter { placed in
                only.map { placed.mutant.mistake.contains($0) || placed.location.contains($0) } ?? true
            }
            problems += loaded.problems
        }
        console.print(console.bold("Mutation check") + ": lessons \(lessons.map(String.init).joined(separator: ", ")), "
            + "\(catalogues.values.map(\.count).reduce(0, +)) mutants from Tests/Mutants, \(jobs) tests at a time")
        if !problems.isEmpty {
            console.print(console.red("The catalogues have \(problems.count) problem\(problems.count == 1 ? "" : "s")") + " (those mutants are skipped):")
            problems.forEach { console.print("  - \($0)") }
        }

        let copy = PackageCopy(source: workspace.root, destination: workspace.root + "/" + MutationCheck.copyDirectory)
        var tallies: [LessonTally] = []
        var unexplained: [String] = []
        for lesson in lessons {
            let lessonStart = Date()
            var tally = LessonTally(lesson: lesson)
            console.print()
            console.print(console.bold("Lesson \(lesson)") + ": \(catalogues[lesson]?.count ?? 0) mutants")
            var referenceFailures: [String] = []
            let outcome = try runLesson(lesson, mutants: catalogues[lesson] ?? [], copy: copy, console: console,
                                        referenceFailures: &referenceFailures) { placed, outcome, seconds in
                let m = placed.mutant
                let time = console.dim(" " + formatSeconds(seconds))
                tally.mutants += 1
                switch outcome {
                case .killed(let test, let status):
                    tally.killed += 1
                    if let reason = m.survives {
                        unexplained.append("\(placed.location): '\(m.mistake)' is killed by \(test.configName), but \(m.source) says it survives (\(reason)): delete that survives: line")
                        console.print("  \(console.red("KILL")) \(placed.location)  \(m.mistake)  (by \(test.configName) \(status.tag); listed as a survivor)" + time)
                    } else {
                        console.print("  \(console.green("kill")) \(placed.location)  \(m.mistake)  " + console.dim("(\(test.configName) \(status.tag))") + time)
                    }
                case .survived:
                    tally.survived += 1
                    if let reason = m.survives {
                        tally.allowed += 1
                        console.print("  \(console.yellow("live")) \(placed.location)  \(m.mistake)  " + console.dim("(allowed: \(reason))") + time)
                    } else {
                        unexplained.append("\(placed.location): '\(m.mistake)' survives every Lesson\(lesson)Tests test (\(m.source))")
                        console.print("  \(console.red("LIVE")) \(placed.location)  \(m.mistake)  (no test fails: \(m.source))" + time)
                    }
                case .doesNotCompile(let error):
                    tally.broken += 1
                    problems.append("\(m.source): '\(m.mistake)' does not compile: \(firstLine(error, max: 160))")
                    console.print("  \(console.red("BILD")) \(placed.location)  \(m.mistake)  (does not compile)")
                }
            }
            problems += referenceFailures
            if let failure = outcome {
                problems.append("Lesson \(lesson): \(failure)")
                console.print(console.red("  \(failure)"))
            }
            tally.seconds = Date().timeIntervalSince(lessonStart)
            tallies.append(tally)
        }
        try copy.sync(lessons: lessons.max().map { Array(1...$0) } ?? [])   // no mutated file left behind

        console.print()
        console.print(console.bold(pad("Lesson", 8) + pad("Mutants", 9) + pad("Killed", 8) + pad("Survived (allowed)", 20)
            + pad("Broken", 8) + pad("Kill rate", 11) + "Time"))
        for t in tallies {
            let rate = t.mutants == 0 ? "-" : String(format: "%.1f%%", 100 * Double(t.killed) / Double(t.mutants))
            console.print(pad("\(t.lesson)", 8) + pad("\(t.mutants)", 9) + pad("\(t.killed)", 8)
                + pad("\(t.survived) (\(t.allowed))", 20) + pad("\(t.broken)", 8) + pad(rate, 11) + formatMinutes(t.seconds))
        }
        let total = tallies.reduce(into: LessonTally(lesson: 0)) {
            $0.mutants += $1.mutants; $0.killed += $1.killed; $0.survived += $1.survived; $0.allowed += $1.allowed; $0.broken += $1.broken
        }
        let totalRate = total.mutants == 0 ? "-" : String(format: "%.1f%%", 100 * Double(total.killed) / Double(total.mutants))
        console.print(console.bold(pad("Total", 8) + pad("\(total.mutants)", 9) + pad("\(total.killed)", 8)
            + pad("\(total.survived) (\(total.allowed))", 20) + pad("\(total.broken)", 8) + pad(totalRate, 11)
            + formatMinutes(Date().timeIntervalSince(start))))

        console.print()
        if !unexplained.isEmpty {
            console.print(console.red("\(unexplained.count) unexplained survivor\(unexplained.count == 1 ? "" : "s")")
                + ": add a test to Tests/LessonNTests that fails on the mistake (points and hint in grading.json), or a `survives:` line saying why none can.")
            unexplained.forEach { console.print("  - \($0)") }
        }
        if !problems.isEmpty {
            console.print(console.red("\(problems.count) problem\(problems.count == 1 ? "" : "s")") + ":")
            problems.forEach { console.print("  - \($0)") }
        }
        if unexplained.isEmpty && problems.isEmpty {
            console.print(console.green("Every mutant is killed or explained") + " (wall time \(formatMinutes(Date().timeIntervalSince(start)))).")
            return true
        }
        return false
    }

    /// Runs lesson n's mutants in the copy; returns why it could not (nil when it could).
    private func runLesson(_ lesson: Int, mutants: [PlacedMutant], copy: PackageCopy, console: Console,
                           referenceFailures: inout [String],
                           report: (PlacedMutant, Outcome, Double) -> Void) throws -> String? {
        try copy.sync(lessons: Array(1...lesson))
        let copyWorkspace = Workspace(root: copy.destination)
        let spec = BuildSpec(label: "mutation copy", scratchPath: ".build",
                             environment: ["TRACK": Track.solutions.rawValue, "COURSE_LESSON_DIR": ""])
        let runner = TestRunner(workspace: copyWorkspace, spec: spec, jobs: jobs)

        // The reference must build and pass every test first, or no mutant result means anything.
        console.progress("building Lessons 1...\(lesson) in \(MutationCheck.copyDirectory)")
        let build = try runner.build { console.progress("building: \($0)") }
        console.clearProgress()
        guard build.succeeded else {
            return "the unchanged solutions do not build in the copy:\n" + build.errors(root: copy.destination)
        }
        let graded = try runner.gradedTests(lessons: [lesson])
        let configured = Dictionary((graded.tests[lesson] ?? []).map { ($0.id, $0.timeLimit) }, uniquingKeysWith: { a, _ in a })
        let all = try runner.listTests().filter { $0.lesson == lesson }
        guard !all.isEmpty else { return "the test bundle has no Lesson\(lesson)Tests" }
        console.progress("running Lesson\(lesson)Tests on the unchanged solutions")
        let baseline = runner.run(all.map { ($0, configured[$0] ?? nil) })
        console.clearProgress()
        // A test that fails on the reference tells no mutant apart: it is left out and reported.
        let failing = baseline.filter { $0.status != .passed }
        for failed in failing {
            let why = "the unchanged solutions fail \(failed.id.configName) (\(failed.status.tag): \(failed.summary)); the mutants run without it"
            referenceFailures.append("Lesson \(lesson): \(why)")
            console.print(console.red("  \(why)"))
        }
        let tests = all.filter { id in !failing.contains { $0.id == id } }
        guard !tests.isEmpty else { return "no Lesson\(lesson)Tests test passes on the unchanged solutions" }
        // A mutant's test may take a few times the reference's time before it counts as a hang.
        var limits: [TestID: Double] = [:]
        for result in baseline {
            limits[result.id] = min(configured[result.id].flatMap { $0 } ?? runner.defaultTimeLimit,
                                    max(10, 5 * result.seconds + 5))
        }
        let baselineSeconds = baseline.reduce(0) { $0 + $1.seconds }
        console.print(console.dim("  reference: \(tests.count) of \(baseline.count) tests pass (\(formatSeconds(baselineSeconds)) of test time)"))

        var killers: [String: [TestID]] = [:]   // file -> the tests that killed its mutants, latest first
        var dirty: String?                      // the copy's file that holds a mutant now
        defer { if let dirty { try? copy.restore(dirty) } }
        for placed in mutants {
            let mutantStart = Date()
            let path = placed.mutant.solutionPath
            if let previous = dirty, previous != path { try copy.restore(previous) }
            try copy.write(path, placed.mutatedText)
            dirty = path
            console.progress("\(placed.location): building")
            let built = try runner.build()
            guard built.succeeded else {
                report(placed, .doesNotCompile(built.errors(root: copy.destination)), Date().timeIntervalSince(mutantStart))
                continue
            }
            let order = prioritized(tests, file: placed.mutant.file, killers: killers[placed.mutant.file] ?? [])
            var outcome = Outcome.survived
            var index = 0
            while index < order.count {
                let batch = order[index..<min(order.count, index + jobs)]
                console.progress("\(placed.location): test \(index + 1) of \(order.count)")
                let results = runner.run(batch.map { ($0, limits[$0]) })
                if let failure = results.first(where: { $0.status != .passed }) {
                    outcome = .killed(by: failure.id, failure.status)
                    killers[placed.mutant.file, default: []].removeAll { $0 == failure.id }
                    killers[placed.mutant.file, default: []].insert(failure.id, at: 0)
                    break
                }
                index += batch.count
            }
            report(placed, outcome, Date().timeIntervalSince(mutantStart))
        }
        return nil
    }

    /// The tests most likely to fail first: those that killed this file's mutants before, then
    /// the classes named after the file (LSTMLayer.swift: LSTMLayerForwardTests, ...), then the rest.
    func prioritized(_ tests: [TestID], file: String, killers: [TestID]) -> [TestID] {
        let stem = String(file.prefix(while: { $0 != "." }))
        func rank(_ test: TestID) -> Int {
            if let k = killers.firstIndex(of: test) { return k }
            if test.className == stem + "Tests" { return 1_000 }
            if test.className.hasPrefix(stem) { return 2_000 }
            return 3_000
        }
        return tests.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }
}

private func formatMinutes(_ seconds: Double) -> String {
    seconds < 60 ? formatSeconds(seconds) : String(format: "%d min %02d s", Int(seconds) / 60, Int(seconds) % 60)
}

/// A copy of the package with only some lessons, for building mutants without touching the
/// checkout. Files are written only when their content differs, so SwiftPM rebuilds only
/// what changed since the last run.
struct PackageCopy {
    var source: String
    var destination: String

    /// Top-level entries never copied: build output, git, the student's track, run outputs.
    static let skippedTopLevel: Set<String> = ["Exercises", "out", "data-cache", "Package.resolved"]

    /// Makes the copy mirror the checkout with Solutions/LessonN and Tests/LessonNTests for the
    /// given lessons only (Package.swift adds a lesson when its Solutions folder exists).
    func sync(lessons: [Int]) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: destination, withIntermediateDirectories: true)
        var wanted = Set<String>()
        for relative in try files(under: source) where include(relative, lessons: lessons) {
            wanted.insert(relative)
            let from = source + "/" + relative, to = destination + "/" + relative
            guard let data = fm.contents(atPath: from) else { throw GradingError("cannot read \(relative)") }
            if fm.contents(atPath: to) != data {
                try fm.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try data.write(to: URL(fileURLWithPath: to))
            }
        }
        // Files of lessons not wanted now, or deleted from the checkout. The copy's own build
        // folder, resolved packages and data cache stay.
        for relative in try files(under: destination) where !wanted.contains(relative) && include(relative, lessons: nil) {
            try fm.removeItem(atPath: destination + "/" + relative)
        }
        for lesson in 1...9 where !lessons.contains(lesson) {
            for dir in ["Solutions/Lesson\(lesson)", "Tests/Lesson\(lesson)Tests"] where fm.fileExists(atPath: destination + "/" + dir) {
                try fm.removeItem(atPath: destination + "/" + dir)
            }
        }
    }

    /// Whether a checkout file belongs in the copy; `lessons` nil: any lesson.
    private func include(_ relative: String, lessons: [Int]?) -> Bool {
        let parts = relative.split(separator: "/").map(String.init)
        guard let top = parts.first, !top.hasPrefix("."), !PackageCopy.skippedTopLevel.contains(top) else { return false }
        if top == "Tests", parts.count > 1, parts[1] == "Mutants" { return false }
        guard let lessons else { return true }
        for lesson in 1...9 where !lessons.contains(lesson) {
            if top == "Solutions", parts.count > 1, parts[1] == "Lesson\(lesson)" { return false }
            if top == "Tests", parts.count > 1, parts[1] == "Lesson\(lesson)Tests" { return false }
        }
        return true
    }

    /// Regular files below `dir`, relative to it, skipping hidden folders (.build, .git).
    private func files(under dir: String) throws -> [String] {
        let fm = FileManager.default
        guard let enumerator = fm.enumerator(atPath: dir) else { return [] }
        var result: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: dir + "/" + relative, isDirectory: &isDir) else { continue }
            if isDir.boolValue {
                if name.hasPrefix(".") || (!relative.contains("/") && PackageCopy.skippedTopLevel.contains(name)) {
                    enumerator.skipDescendants()
                }
                continue
            }
            result.append(relative)
        }
        return result
    }

    func write(_ relative: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: destination + "/" + relative))
    }

    /// Puts the checkout's version of a file back into the copy.
    func restore(_ relative: String) throws {
        guard let data = FileManager.default.contents(atPath: source + "/" + relative) else {
            throw GradingError("cannot read \(relative)")
        }
        try data.write(to: URL(fileURLWithPath: destination + "/" + relative))
    }
}
