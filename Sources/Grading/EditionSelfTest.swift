// The self-test's section on what leaves the instructor's hands: the student edition and the
// Gradescope autograder, each made from this checkout and used as a student or Gradescope would.
//
// Both live in .build-edition/ (git ignores it), rewritten on every run but with their build
// folders kept, so only the first run builds them from scratch (15-20 minutes on 2 cores;
// later runs about 7). COURSE_SELFTEST_SKIP_EDITION=1 skips the section while iterating locally.
//   .build-edition/student      `make student-dist`; there `make check` (every test TODO, 0 points),
//                               `make hint` (twice: one more hint) and `make lesson1` up to its
//                               first stub (exit status 86)
//   .build-edition/autograder   laid out like Gradescope's /autograder: source/ is the unpacked
//                               autograder.zip; run_autograder must give the reference submitted
//                               (as a zipped student edition unpacks) full points, hidden tests
//                               included and reported as hidden, and the untouched stubs 0

import Foundation

extension SelfTest {
    func checkEditions(tally: Tally, console: Console) {
        if ProcessInfo.processInfo.environment["COURSE_SELFTEST_SKIP_EDITION"] == "1" {
            console.print(console.yellow("  skipped") + " (COURSE_SELFTEST_SKIP_EDITION=1; CI never sets it)")
            return
        }
        let base = workspace.root + "/.build-edition"
        try? FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        checkStudentEdition(at: base + "/student", tally: tally, console: console)
        checkGradescope(at: base + "/autograder", tally: tally, console: console)
    }

    /// The environment for the copies' own make and course runs: nothing of this checkout's
    /// make or track leaks in.
    private var cleanEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for key in ["MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "TRACK", "COURSE_LESSON_DIR", "COURSE_ROOT",
                    HiddenTestSeed.variable] {
            environment[key] = nil
        }
        environment["NO_COLOR"] = "1"
        return environment
    }

    private func checkStudentEdition(at folder: String, tally: Tally, console: Console) {
        let fm = FileManager.default
        let start = Date()
        let edition = StudentEdition(workspace: workspace)
        let hidden: [String]
        do {
            let summary = try edition.write(to: folder)
            hidden = try edition.hiddenTests().names
            tally.record("make student-dist writes the edition (\(summary.files) files, \(summary.hiddenTests.count) hidden tests left out)",
                         ok: true, seconds: Date().timeIntervalSince(start))
        } catch {
            tally.record("make student-dist writes the edition", ok: false, why: "\(error)")
            return
        }

        // Read back from disk: no reference line, no hidden test, no instructor folder.
        let reference = (try? edition.referenceLines()) ?? []
        var found: [String] = []
        for relative in (try? ExerciseGenerator.filesUnder(folder)) ?? [] where !StudentEdition.isLocalState(relative) {
            let text = (try? String(contentsOfFile: folder + "/" + relative, encoding: .utf8)) ?? ""
            let lines = Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
            found += reference.filter(lines.contains).map { "\(relative): \($0)" }
            found += hidden.filter { text.contains($0) }.map { "\(relative) names the hidden test class \($0)" }
        }
        for path in ["Solutions", "Tools/fixtures", "Tools/gradescope", "Tests/Mutants"] where fm.fileExists(atPath: folder + "/" + path) {
            found.append("\(path) is in the edition")
        }
        tally.record("the edition holds no line of the reference (\(reference.count) lines searched), no hidden test, no instructor tool",
                     ok: found.isEmpty && !reference.isEmpty,
                     why: reference.isEmpty ? "no reference lines to search for" : found.prefix(10).joined(separator: "\n"))

        // make check: it builds, and every test is an unwritten exercise worth 0 points.
        var check = Subprocess("make", ["--no-print-directory", "check"], environment: cleanEnvironment,
                               workingDirectory: folder, timeLimit: 3600)
        check.outputLimitBytes = 8 << 20
        console.progress("the student edition: make check (the first run builds it from scratch)")
        guard let checked = try? check.run() else {
            tally.record("make check in the edition", ok: false, why: "could not start make")
            return
        }
        console.clearProgress()
        let rows = checked.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { line in ["PASS ", "FAIL ", "CRSH ", "TIME ", "TODO "].contains { line.hasPrefix($0) } }
        let notTODO = rows.filter { !$0.hasPrefix("TODO ") }
        let total = checked.output.split(separator: "\n").last { $0.trimmingCharacters(in: .whitespaces).hasPrefix("Total") }
            .map { String($0) } ?? ""
        let points = total.split(separator: " ").last.map(String.init) ?? "?"
        let zeroPoints = points.hasPrefix("0/")
        let mentionsHidden = hidden.contains { checked.output.contains($0) }
        tally.record("make check in the edition: \(rows.count) tests, every one TODO, 0 points (\(points) points)",
                     ok: checked.termination == .exited(0) && !rows.isEmpty && notTODO.isEmpty && zeroPoints && !mentionsHidden,
                     why: "status \(checked.termination); " + (mentionsHidden ? "it runs a hidden test; " : "")
                        + (notTODO.isEmpty ? "" : "not TODO: " + notTODO.prefix(5).joined(separator: "; ") + "; ")
                        + String(checked.output.suffix(3000)),
                     seconds: checked.seconds)

        // make hint: the first failing test's first hint, then one more.
        try? fm.removeItem(atPath: folder + "/out/hints.json")
        let hints = (0..<2).compactMap { _ in
            try? Subprocess("make", ["--no-print-directory", "hint"], environment: cleanEnvironment,
                            workingDirectory: folder, timeLimit: 600).run()
        }
        let shown = hints.map { run in
            run.output.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("hint ") }.count
        }
        tally.record("make hint in the edition shows one more hint each time (\(shown.map(String.init).joined(separator: ", ")) shown)",
                     ok: hints.count == 2 && hints.allSatisfy { $0.termination == .exited(0) } && shown.first == 1
                        && (shown.last == 2 || hints.last?.output.contains("hint 1/1:") == true),  // a test with one hint
                     why: hints.map { String($0.output.suffix(1500)) }.joined(separator: "\n---\n"),
                     seconds: hints.reduce(0) { $0 + $1.seconds })

        // make lesson1 stops at the first stub; the walkthrough itself exits with status 86.
        console.progress("the student edition: make lesson1 (release build)")
        let lesson = try? Subprocess("make", ["--no-print-directory", "lesson1"], environment: cleanEnvironment,
                                     workingDirectory: folder, timeLimit: 3600).run()
        console.clearProgress()
        let walkthrough = folder + "/.build-exercises/release/Lesson1Walkthrough"
        var environment = cleanEnvironment
        environment["COURSE_ROOT"] = folder
        let direct = try? Subprocess(walkthrough, [], environment: environment, workingDirectory: folder, timeLimit: 600).run()
        let output = lesson?.output ?? ""
        tally.record("make lesson1 in the edition stops at the first stub (\"not written yet\", exit status \(stubExitStatus), no reference to offer)",
                     ok: output.contains("is not written yet") && output.contains("student edition has no reference")
                        && direct?.termination == .exited(stubExitStatus) && direct?.output.contains("is not written yet") == true,
                     why: "make lesson1: \(lesson.map { "\($0.termination)" } ?? "did not run"); Lesson1Walkthrough: "
                        + "\(direct.map { "\($0.termination)" } ?? "did not run")\n" + String(output.suffix(2000)),
                     seconds: lesson?.seconds)
    }

    private func checkGradescope(at folder: String, tally: Tally, console: Console) {
        let fm = FileManager.default
        let zip = folder + "/autograder.zip"
        let source = folder + "/source"
        do {
            let count = try GradescopeAutograder(workspace: workspace).writeZip(to: zip)
            // A fresh source/ each run, its build folders kept (as the zip has none).
            for entry in (try? fm.contentsOfDirectory(atPath: source)) ?? [] where !entry.hasPrefix(".build") {
                try fm.removeItem(atPath: source + "/" + entry)
            }
            try fm.createDirectory(atPath: source, withIntermediateDirectories: true)
            let unzip = try Subprocess("unzip", ["-q", "-o", zip, "-d", source], workingDirectory: folder, timeLimit: 300).run()
            guard unzip.termination == .exited(0) else { throw GradingError("unzip: \(unzip.output)") }
            let runnable = ["setup.sh", "run_autograder"].allSatisfy { fm.isExecutableFile(atPath: source + "/" + $0) }
            tally.record("make gradescope: autograder.zip with setup.sh and run_autograder at its root (\(count) course files)",
                         ok: runnable && fm.fileExists(atPath: source + "/Solutions") && fm.fileExists(atPath: source + "/Package.swift"),
                         why: "the unpacked zip lacks run_autograder, setup.sh (executable), Solutions/ or Package.swift")
        } catch {
            tally.record("make gradescope and a simulated /autograder", ok: false, why: "\(error)")
            return
        }

        // The reference, as a zipped student edition unpacks (one top folder); then the stubs,
        // as the lesson folders alone.
        let reference = gradeOnGradescope(root: folder, layout: "lstm-course/Exercises", from: "Solutions", console: console)
        switch reference {
        case .failure(let why):
            tally.record("run_autograder on the reference writes results/results.json", ok: false, why: why.description)
        case .success(let (graded, run)):
            let short = graded.tests.filter { $0.score != $0.maxScore }.map(\.name)
            let hidden = graded.tests.filter { $0.visibility == "hidden" }
            let hiddenLessons = Set(hidden.compactMap(Self.lessonOf))
            tally.record("run_autograder, the reference submitted: full points (\(formatPoints(graded.score))/\(formatPoints(graded.maxScore)), \(graded.tests.count) tests)",
                         ok: run.termination == .exited(0) && !graded.tests.isEmpty && short.isEmpty && graded.score == graded.maxScore,
                         why: "not full points: " + short.prefix(5).joined(separator: ", ") + "\n" + String(run.output.suffix(2000)),
                         seconds: run.seconds)
            tally.record("results.json counts the hidden tests with their visibility (\(hidden.count), Lessons \(hiddenLessons.sorted().map(String.init).joined(separator: ", ")))",
                         ok: [3, 4, 5].allSatisfy(hiddenLessons.contains) && hidden.allSatisfy { $0.score == $0.maxScore },
                         why: "hidden tests in results.json: " + hidden.map { "\($0.name) \(formatPoints($0.score))" }.joined(separator: ", "))
        }
        switch gradeOnGradescope(root: folder, layout: "", from: "Exercises", console: console) {
        case .failure(let why):
            tally.record("run_autograder on the stubs writes results/results.json", ok: false, why: why.description)
        case .success(let (graded, run)):
            let scored = graded.tests.filter { $0.score != 0 }.map(\.name)
            tally.record("run_autograder, the untouched stubs submitted: 0 points (of \(formatPoints(graded.maxScore)), \(graded.tests.count) tests)",
                         ok: run.termination == .exited(0) && !graded.tests.isEmpty && scored.isEmpty && graded.score == 0,
                         why: "points on the stubs: " + scored.prefix(5).joined(separator: ", ") + "\n" + String(run.output.suffix(2000)),
                         seconds: run.seconds)
        }
    }

    /// "Lesson 3 · Class/method" -> 3
    static func lessonOf(_ test: GradescopeResults.Test) -> Int? {
        test.name.split(separator: " ").dropFirst().first.flatMap { Int($0) }
    }

    /// Lays this checkout's `from`/LessonN folders out as `submission/<layout>/LessonN` under
    /// `root`, runs source/run_autograder with AUTOGRADER_ROOT=root and reads results.json.
    private func gradeOnGradescope(root: String, layout: String, from: String, console: Console)
        -> Result<(GradescopeResults, ProcessResult), GradingFailure> {
        let fm = FileManager.default
        let submission = root + "/submission" + (layout.isEmpty ? "" : "/" + layout)
        let results = root + "/results/results.json"
        do {
            try? fm.removeItem(atPath: root + "/submission")
            try? fm.removeItem(atPath: root + "/results")
            try fm.createDirectory(atPath: submission, withIntermediateDirectories: true)
            for lesson in workspace.lessons {
                try fm.copyItem(atPath: "\(workspace.root)/\(from)/Lesson\(lesson)", toPath: "\(submission)/Lesson\(lesson)")
            }
        } catch {
            return .failure(GradingFailure("laying out the submission: \(error)"))
        }
        var environment = cleanEnvironment
        environment["AUTOGRADER_ROOT"] = root
        console.progress("Gradescope: run_autograder on \(from)/ (the first run builds the course from scratch)")
        defer { console.clearProgress() }
        guard let run = try? Subprocess(root + "/source/run_autograder", [], environment: environment,
                                        workingDirectory: root, timeLimit: 3600).run() else {
            return .failure(GradingFailure("could not start run_autograder"))
        }
        guard let data = fm.contents(atPath: results),
              let graded = try? JSONDecoder().decode(GradescopeResults.self, from: data) else {
            return .failure(GradingFailure("no readable results.json; run_autograder ended with \(run.termination):\n" + String(run.output.suffix(3000))))
        }
        return .success((graded, run))
    }
}

/// Why a simulated Gradescope run gave no results.
struct GradingFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
