// The commands around the student edition: `course hint` (students), and the instructor's
// `course student-dist` and `course gradescope`, which the student edition leaves out.

import ArgumentParser
import Foundation
import Grading

extension Course {
    struct Hint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The hints of a failing test, one more each time you ask.",
            discussion: "Without --test, runs the tests in lesson order until one does not pass and shows its next hint. Hints come from Tests/LessonNTests/grading.json; out/hints.json remembers how many you have seen.")

        @Option(help: "Only this lesson.")
        var lesson: Int?

        @Option(help: "The test (Class/method, as make check prints it); default: the first that does not pass.")
        var test: String?

        @OptionGroup var options: RunOptions

        func run() throws {
            try runReportingErrors {
                try HintCommand(workspace: try Workspace.find(), lesson: lesson, test: test, jobs: options.jobs,
                                defaultTimeLimit: options.timeLimit).run(console: Console())
            }
        }
    }

    // BEGIN INSTRUCTOR
    struct StudentDist: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "student-dist",
            abstract: "Write the student edition: no Solutions/, no hidden tests, no instructor tools.",
            discussion: "The folder must be new, empty, or an earlier edition (then it is brought up to date, its build folders kept). Refuses to write an edition that would contain a line of the reference solutions.")

        @Option(help: "The folder to write.")
        var out: String

        func run() throws {
            try runReportingErrors {
                let summary = try StudentEdition(workspace: try Workspace.find()).write(to: out)
                print("Wrote the student edition to \(out): \(summary.files) files; left out \(summary.leftOut.count) (Solutions/, instructor tools) and \(summary.hiddenTests.count) hidden tests.")
                print("In it: make check, make hint, make lessonN.")
                return true
            }
        }
    }

    struct GradescopeZip: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gradescope",
            abstract: "Write the Gradescope autograder zip (the course, setup.sh and run_autograder).",
            discussion: "Upload the zip as a programming assignment's autograder (Ubuntu base image). Tools/gradescope/ has the two scripts.")

        @Option(help: "Where to write the zip.")
        var out: String = "out/gradescope/autograder.zip"

        func run() throws {
            try runReportingErrors {
                let count = try GradescopeAutograder(workspace: try Workspace.find()).writeZip(to: out)
                print("Wrote \(out) (\(count) files of the course, setup.sh and run_autograder at its root).")
                return true
            }
        }
    }
    // END INSTRUCTOR
}
