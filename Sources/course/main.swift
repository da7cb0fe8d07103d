// The `course` command: the student's checker, the instructor's autograder, the exercise
// generator and the course's own self-test. The Makefile is the usual way in (`make help`);
// later lessons add their commands to `Course.configuration.subcommands`.

import ArgumentParser
import Foundation
import Grading
import TensorCore

struct Course: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "course",
        abstract: "LSTMs from scratch, in Swift: check your exercises, grade, and maintain the course.",
        discussion: """
        Usually run through make (make help). Students:
          course check [--lesson N]       your exercises against the tests
          course hint [--test T]          the next hint for a failing test
          course lesson N [--track T]     lesson N's walkthrough (--smoke: a quick run through every section)
        """
            // BEGIN INSTRUCTOR
            + "\n" + """

            Instructors:
              course grade [--submission P]   the autograder (results.json)
              course student-dist --out D     the student edition
              course gradescope --out Z       the Gradescope autograder zip
            Course developers:
              course exercises [--check]      Exercises/ from Solutions/
              course selftest                 the course's own tests (make test)
              course selftest --solutions-only  ... the solutions' tests only (make test-matrix)
              course test-grader              the autograder against attacks (make test-grader)
              course mutants [--lesson N]     do the tests catch typical mistakes? (make mutants)
            """
            // END INSTRUCTOR
        ,
        subcommands: [Check.self, Hint.self, Lesson.self]
            // BEGIN INSTRUCTOR
            + [Grade.self, Exercises.self, SelfTestCommand.self, StudentDist.self, GradescopeZip.self, TestGrader.self, Mutants.self]
            // END INSTRUCTOR
    )
}

/// Options every test-running command shares.
struct RunOptions: ParsableArguments {
    @Option(help: "Tests run at once, each in its own process.")
    var jobs: Int = max(1, min(2, ProcessInfo.processInfo.activeProcessorCount))

    @Option(name: .customLong("time-limit"), help: "Seconds a test may run unless grading.json sets its timeLimit.")
    var timeLimit: Double = 60

    func validate() throws {
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1") }
        guard timeLimit > 0 else { throw ValidationError("--time-limit must be positive") }
    }
}

/// Turns the tools' own errors into a message and exit status 2 (1 means "tests failed").
func runReportingErrors(_ body: () throws -> Bool) throws {
    RunningGroups.shared.installInterruptHandler()
    do {
        if try !body() { throw ExitCode(1) }
    } catch let error as GradingError {
        FileHandle.standardError.write("course: \(error)\n".data(using: .utf8) ?? Data())
        throw ExitCode(2)
    }
}

extension Course {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run your exercises (Exercises/) against the lesson tests, with a progress table.",
            discussion: "Each test runs in its own process: a crash or an endless loop fails that test only. Exit status 1 when the exercises do not compile.")

        @Option(help: "Only this lesson.")
        var lesson: Int?

        @OptionGroup var options: RunOptions

        func run() throws {
            try runReportingErrors {
                try Checker(workspace: try Workspace.find(), lesson: lesson, jobs: options.jobs,
                            defaultTimeLimit: options.timeLimit).check(console: Console())
            }
        }
    }

    // BEGIN INSTRUCTOR
    struct Grade: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The autograder: grade Exercises/ or a submission and write a Gradescope results.json.",
            discussion: """
            Points and hints come from Tests/LessonNTests/grading.json. A submission is a folder with \
            Lesson1/, Lesson2/... inside (a copy of Exercises/), or a single LessonN folder; lessons it \
            lacks are graded on the stubs. Exit status 0 whenever grading ran, even at 0 points \
            (a lesson that does not compile gets 0 with the compiler's errors, the others are graded with its stubs in its place); 2 when the grader failed.
            """)

        @Option(help: "The folder to grade (default: Exercises/ of this checkout).")
        var submission: String?

        @Option(help: "Where to write results.json (default: out/grade/results.json; on Gradescope: /autograder/results/results.json).")
        var results: String?

        @Option(help: "Only this lesson (the reference code stands in for the others, which results.json leaves out).")
        var lesson: Int?

        @OptionGroup var options: RunOptions

        func run() throws {
            try runReportingErrors {
                let workspace = try Workspace.find()
                HiddenTestSeed.prepareForGrading()
                let path = results.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
                    ?? workspace.root + "/out/grade/results.json"
                var grader = Autograder(workspace: workspace, submission: submission, resultsPath: path, jobs: options.jobs,
                                        defaultTimeLimit: options.timeLimit)
                grader.lessons = lesson.map { [$0] }
                try grader.grade(console: Console())
                return true
            }
        }
    }
    // END INSTRUCTOR

    struct Lesson: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build (release) and run lesson N's walkthrough.",
            discussion: "On the exercises track, a walkthrough that reaches an unwritten exercise stops and says which; --track solutions runs the reference.")

        @Argument(help: "The lesson number.")
        var number: Int

        @Option(help: "exercises (your code) or solutions (the reference).")
        var track: String = "exercises"

        @Flag(help: "A quick run through every section (tiny data and models, figures that mean nothing), outputs in a temporary folder.")
        var smoke = false

        @Argument(parsing: .postTerminator, help: "Arguments for the walkthrough, after -- (--out DIR: another output folder).")
        var arguments: [String] = []

        func run() throws {
            try runReportingErrors {
                guard let chosen = Track(rawValue: track) else {
                    throw GradingError("--track must be exercises or solutions, not '\(track)'")
                }
                return try Walkthrough(workspace: try Workspace.find(), lesson: number, track: chosen)
                    .run(arguments: (smoke ? ["--smoke"] : []) + arguments, console: Console())
            }
        }
    }

    // BEGIN INSTRUCTOR
    struct Exercises: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Regenerate Exercises/LessonN from Solutions/LessonN (solution regions become stubs).",
            discussion: "Overwrites Exercises/: a student's work there is lost. --check changes nothing and exits 1 when Exercises/ differ from what Solutions/ generate.")

        @Flag(help: "Only compare; list the files that differ, are missing or are extra.")
        var check = false

        @Option(help: "Only this lesson.")
        var lesson: Int?

        func run() throws {
            try runReportingErrors {
                let workspace = try Workspace.find()
                let lessons = lesson.map { [$0] } ?? workspace.lessons
                if check {
                    let drift = try ExerciseGenerator.drift(root: workspace.root, lessons: lessons)
                    if drift.isEmpty {
                        print("Exercises/ match Solutions/ (lessons \(lessons.map(String.init).joined(separator: ", "))).")
                        return true
                    }
                    print("Exercises/ differ from what Solutions/ generate:")
                    drift.forEach { print("  \($0)") }
                    print("Regenerate with: make exercises")
                    return false
                }
                let changes = try ExerciseGenerator.write(root: workspace.root, lessons: lessons)
                changes.forEach { print("  \($0.description.replacingOccurrences(of: "differs:", with: "updated:").replacingOccurrences(of: "missing:", with: "created:").replacingOccurrences(of: "extra:  ", with: "removed:"))") }
                print("Exercises/ regenerated for lesson\(lessons.count == 1 ? "" : "s") \(lessons.map(String.init).joined(separator: ", ")): \(changes.isEmpty ? "already up to date" : "\(changes.count) changed").")
                return true
            }
        }
    }

    struct SelfTestCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "selftest",
            abstract: "The course's own test suite (make test): solutions pass, exercises in sync, stubs fail.",
            discussion: "Ends with the line 'N passed, N failed'; exit status 1 when anything failed.")

        @Flag(help: "Only the Solutions track's tests, library and lessons (what make test-matrix runs under each OpenBLAS kernel).")
        var solutionsOnly = false

        @OptionGroup var options: RunOptions

        func run() throws {
            try runReportingErrors {
                var selfTest = SelfTest(workspace: try Workspace.find(), jobs: options.jobs, defaultTimeLimit: options.timeLimit)
                selfTest.solutionsOnly = solutionsOnly
                return try selfTest.run(console: Console())
            }
        }
    }

    struct TestGrader: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test-grader",
            abstract: "Grade submissions that try to fool the autograder and check the score each must get (make test-grader).",
            discussion: "Three builds of attacked copies of Solutions/; exit status 1 when an attack got a score it must not. --emit only writes the submissions.")

        @Option(help: "Only write the attack submissions into this folder.")
        var emit: String?

        @OptionGroup var options: RunOptions

        func run() throws {
            try runReportingErrors {
                let attacks = GraderAttacks(workspace: try Workspace.find(), jobs: options.jobs)
                if let emit {
                    try attacks.emit(to: emit)
                    return true
                }
                return try attacks.run(console: Console())
            }
        }
    }

    struct Mutants: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply each typical mistake of Tests/Mutants/LessonN.txt to a copy of the solutions and check that a test fails.",
            discussion: """
            Builds only Lessons 1...N in .build-mutants/package (the checkout is never changed) and lists \
            every mutant no test kills, with file:line. Exit status 1 when a survivor has no `survives:` \
            reason in the catalogue, a catalogue entry no longer matches its solution region, or a mutant \
            does not compile. --validate only checks the catalogues (seconds).
            """)

        @Option(help: "Only this lesson (repeat for several).")
        var lesson: [Int] = []

        @Flag(help: "Only check that every catalogue entry matches its region, build nothing.")
        var validate = false

        @Option(help: "Only the mutants whose mistake or file:line contains this text.")
        var only: String?

        @Option(help: "Tests run at once, each in its own process.")
        var jobs: Int = max(1, min(2, ProcessInfo.processInfo.activeProcessorCount))

        func run() throws {
            try runReportingErrors {
                let workspace = try Workspace.find()
                if let missing = lesson.first(where: { !workspace.lessons.contains($0) }) {
                    throw GradingError("there is no Lesson \(missing)")
                }
                let lessons = lesson.isEmpty ? workspace.lessons : lesson.sorted()
                if validate {
                    let loaded = lessons.map { MutantCatalogue.load(root: workspace.root, lesson: $0) }
                    let problems = loaded.flatMap(\.problems)
                    let count = loaded.map(\.mutants.count).reduce(0, +)
                    problems.forEach { print($0) }
                    print(problems.isEmpty ? "\(count) mutants, every one matches its region." : "\(problems.count) problems.")
                    return problems.isEmpty
                }
                return try MutationCheck(workspace: workspace, lessons: lessons, jobs: jobs, only: only).run(console: Console())
            }
        }
    }
    // END INSTRUCTOR
}

// The autograder classifies exit status 86 as an unwritten exercise; both sides must agree.
precondition(stubExitStatus == unimplementedExitCode, "Grading.stubExitStatus differs from TensorCore.unimplementedExitCode")
Course.main()
