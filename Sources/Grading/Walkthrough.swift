// `make lessonN`: builds lesson N's walkthrough in release mode on the chosen track and runs it.
// On the exercises track it stops at the first unwritten exercise (exit status 86); then the
// student is told how to watch the reference instead.

import Foundation

public struct Walkthrough {
    public var workspace: Workspace
    public var lesson: Int
    public var track: Track

    public init(workspace: Workspace, lesson: Int, track: Track) {
        self.workspace = workspace
        self.lesson = lesson
        self.track = track
    }

    /// Returns false when the build failed or the walkthrough did not finish.
    public func run(arguments: [String], console: Console) throws -> Bool {
        let product = "Lesson\(lesson)Walkthrough"
        guard workspace.lessons.contains(lesson) else {
            throw GradingError("there is no Lesson \(lesson) (lessons: \(workspace.lessons.map(String.init).joined(separator: ", ")))")
        }
        guard FileManager.default.fileExists(atPath: "\(workspace.root)/Lessons/Lesson\(lesson)/main.swift") else {
            throw GradingError("Lesson \(lesson) has no walkthrough yet (Lessons/Lesson\(lesson)/main.swift)")
        }
        if track == .solutions {
            try workspace.requireSolutions(for: "make lesson\(lesson) TRACK=solutions")
        }
        let spec = BuildSpec.track(track)
        if let missing = workspace.missingLessonFolder(spec) {
            throw GradingError("\(missing) is missing (Solutions has it): course developers, run `make exercises`")
        }
        console.print(console.dim("Building \(product) (release, \(spec.label), \(spec.scratchPath))..."))
        let command = workspace.swiftCommand(["build", "--product", product], spec: spec, release: true)
        var build = Subprocess("swift", command.arguments, environment: command.environment, workingDirectory: workspace.root)
        build.passOutputThrough = true
        guard try build.run().termination == .exited(0) else {
            console.print(console.red("The build failed") + " (the compiler's errors are above).")
            return false
        }
        var environment = command.environment
        environment["COURSE_ROOT"] = workspace.root
        var walkthrough = Subprocess("\(workspace.root)/\(spec.scratchPath)/release/\(product)", arguments,
                                     environment: environment, workingDirectory: workspace.root)
        walkthrough.passOutputThrough = true
        switch try walkthrough.run().termination {
        case .exited(0):
            return true
        case .exited(stubExitStatus):
            console.print("""
            The walkthrough stopped at an exercise you have not written yet (above).
            Write it and check it with:    make check LESSON=\(lesson)
            """ + (workspace.isStudentEdition
                ? "\nThe walkthrough needs your code up to this point: the student edition has no reference to run instead."
                : "\nOr watch the reference run:    make lesson\(lesson) TRACK=solutions"))
            return false
        case let other:
            console.print(console.red("The walkthrough ended with \(other)."))
            return false
        }
    }
}
