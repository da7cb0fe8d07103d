// swift-tools-version: 6.0
//
// LSTMs from scratch, in Swift.
//
// Two tracks build the same lesson targets:
//   TRACK=exercises (default)  lesson code comes from Exercises/LessonN (the student's work)
//   TRACK=solutions            lesson code comes from Solutions/LessonN (the reference)
// COURSE_LESSON_DIR=path overrides the folder (inside this package) that holds the LessonN
// folders; the autograder uses it to build a submission.
// The student edition (`make student-dist`) has no Solutions/: its lessons are the Exercises
// folders, and TRACK=solutions says the reference is not included.
// The Makefile gives each track its own build folder (.build-exercises, .build-solutions), so
// switching tracks does not rebuild everything.

import Foundation
import PackageDescription

let packageDirectory = Context.packageDirectory
func exists(_ relativePath: String) -> Bool {
    FileManager.default.fileExists(atPath: "\(packageDirectory)/\(relativePath)")
}

/// The student edition: Exercises/ without Solutions/.
let studentEdition = !exists("Solutions")

let environment = ProcessInfo.processInfo.environment
let track = environment["TRACK"] ?? "exercises"
let lessonRoot: String = {
    if let dir = environment["COURSE_LESSON_DIR"], !dir.isEmpty { return dir }
    switch track {
    case "solutions", "solution":
        if studentEdition { fatalError("TRACK=solutions: the student edition does not include the reference solutions") }
        return "Solutions"
    case "exercises", "exercise": return "Exercises"
    default: fatalError("TRACK must be 'exercises' or 'solutions', not '\(track)'")
    }
}()

/// The lessons that exist so far: a lesson joins the build when its Solutions folder does
/// (its Exercises folder in the student edition).
let lessons: [Int] = (1...9).filter { exists((studentEdition ? "Exercises" : "Solutions") + "/Lesson\($0)") }

/// The processor release builds of the libraries target: `skylake-avx512` (AVX-512, 16 Floats per
/// instruction) when this machine has it, `haswell` (AVX2 and FMA, 8 Floats) when it has those,
/// else the compiler's default (x86-64 with SSE2: 4 Floats). The hot elementwise loops (the LSTM's
/// gates, sigmoid and tanh) get wider vectors; a Lesson 5 epoch ran ~20% faster with these loops
/// vectorised and the AVX-512 target together, and the fast layer 8-13% faster with `haswell`
/// than with the default on an AMD EPYC (Zen 3). A binary built so runs only on processors with
/// the same instructions: to build one for other machines, set COURSE_TARGET_CPU to a processor
/// name the compiler knows (`swiftc -target-cpu help` lists them) or to `default`. Debug builds
/// (tests, the autograder) never use it.
let targetCPU: String? = {
    if let chosen = environment["COURSE_TARGET_CPU"], !chosen.isEmpty { return chosen == "default" ? nil : chosen }
    #if arch(x86_64) && os(Linux)
    guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let flags = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
    let has = Set(flags.split(separator: " ").map(String.init))
    if ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(has.contains) { return "skylake-avx512" }
    return ["avx2", "fma"].allSatisfy(has.contains) ? "haswell" : nil
    #else
    return nil
    #endif
}()

// Release builds specialise the generic tensor code across modules; without it every
// element of a hot loop would go through a protocol witness table.
let speed: [SwiftSetting] = [.unsafeFlags(["-cross-module-optimization"] + (targetCPU.map { ["-target-cpu", $0] } ?? []),
                                          .when(configuration: .release))]

let libraries: [Target] = [
    .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
    .target(name: "TensorCore", dependencies: ["CBLAS"], swiftSettings: speed),
    .target(name: "CourseData", dependencies: ["TensorCore"], swiftSettings: speed),
    .target(name: "Gnuplot"),
    .target(name: "Training", dependencies: ["TensorCore", "CourseData", "Gnuplot"], swiftSettings: speed),
    // The fast LSTM kernel (fused, threaded) that Lesson 4's readable layer is checked against and
    // that `LSTM.kernel = .fast` runs; provided code, on plain tensors, independent of the lessons.
    .target(name: "LSTMKernels", dependencies: ["TensorCore", "StepProduct"], swiftSettings: speed),
    // The fast layer's per-step product on AVX2 processors (C: intrinsics, chosen at run time).
    .target(name: "StepProduct"),
    // The fast skip-gram trainer (Hogwild threads, resumable) that Lesson 7's readable loss and
    // gradient are checked against; provided code, on word ids, independent of the lessons.
    .target(name: "Word2VecKernels", dependencies: ["TensorCore", "Training"], swiftSettings: speed),
    // The fast language-model pretraining (two LSTMs, sampled softmax, truncated BPTT, resumable)
    // that Lesson 7's readable head is checked against; provided code, on word ids.
    .target(name: "LanguageModelKernels", dependencies: ["TensorCore", "Training", "LSTMKernels"], swiftSettings: speed),
    .target(name: "Grading"),
    // What every walkthrough shares: its options (--smoke, --out), headings, tables, the output folder.
    .target(name: "WalkthroughSupport", dependencies: ["TensorCore", "Gnuplot"]),
    // XCTest helpers, the PyTorch fixtures (expected answers) and the grading recorder for the
    // lesson tests; lesson code never depends on it, so it cannot load the answers.
    .target(name: "CourseTesting", dependencies: ["TensorCore", "CourseTestingStartup"]),
    // Starts CourseTesting's grading recorder when a test bundle loads, before any test runs.
    .target(name: "CourseTestingStartup"),
]

/// The Markdown files of a folder (a walkthrough's README and appendices): text, not sources.
func texts(_ folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: "\(packageDirectory)/\(folder)")) ?? []).filter { $0.hasSuffix(".md") }.sorted()
}

let libraryNames = ["TensorCore", "CourseData", "Gnuplot", "Training", "LSTMKernels", "Word2VecKernels", "LanguageModelKernels"]

// Code that must know which track it was built from (the LSTM kernel a sentiment run defaults to).
let trackSettings: [SwiftSetting] = lessonRoot == "Solutions" ? [.define("COURSE_SOLUTIONS_TRACK")] : []

func lessonTargets(_ n: Int) -> [Target] {
    let lesson = "Lesson\(n)"
    let earlier = (1..<n).filter(lessons.contains).map { Target.Dependency(stringLiteral: "Lesson\($0)") }
    let libs = libraryNames.map { Target.Dependency(stringLiteral: $0) }
    // The student's (or the reference) code for lesson n.
    var targets: [Target] = [
        .target(name: lesson, dependencies: earlier + libs, path: "\(lessonRoot)/\(lesson)", swiftSettings: speed + trackSettings),
    ]
    if exists("Lessons/\(lesson)/main.swift") {
        // `make lessonN`: the walkthrough that tells the lesson's story.
        // Lesson 3's compares the student's cell with PyTorch's fixtures (CourseTesting).
        let fixtures: [Target.Dependency] = n == 3 ? ["CourseTesting"] : []
        targets.append(.executableTarget(
            name: "\(lesson)Walkthrough", dependencies: [.target(name: lesson)] + earlier + libs + fixtures + ["WalkthroughSupport"],
            path: "Lessons/\(lesson)", exclude: texts("Lessons/\(lesson)"), swiftSettings: speed))
    }
    if exists("Tests/\(lesson)Tests") {
        targets.append(.testTarget(
            name: "\(lesson)Tests", dependencies: [.target(name: lesson), "CourseTesting"] + earlier + libs,
            path: "Tests/\(lesson)Tests", exclude: ["grading.json"]))
    }
    if n == 5 {
        // `sentiment train|eval|predict|deploy`: the Lesson 5 model as a command line tool; deploy
        // measures through Lesson 6's Deployment.swift.
        let lesson6: [Target.Dependency] = lessons.contains(6) ? ["Lesson6"] : []
        targets.append(.executableTarget(
            name: "sentiment", dependencies: [.target(name: lesson)] + earlier + lesson6 + libs
                + [.product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Sources/sentiment", swiftSettings: speed))
    }
    return targets
}

// `make bench`: the reference LSTM layer's training throughput (Benchmarks/LSTMBenchmark).
let lstmBenchmark: [Target] = lessons.contains(4) && exists("Benchmarks/LSTMBenchmark") ? [
    .executableTarget(name: "LSTMBenchmark", dependencies: ["Lesson4", "Lesson3"] + libraryNames.map { .init(stringLiteral: $0) },
                      path: "Benchmarks/LSTMBenchmark", swiftSettings: speed),
] : []

let package = Package(
    name: "LSTMCourse",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "course", targets: ["course"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: libraries + lessons.flatMap(lessonTargets) + lstmBenchmark + [
        .executableTarget(
            name: "course",
            dependencies: ["Grading", "TensorCore", "CourseData", "Gnuplot", "Training",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: speed),
        .testTarget(name: "LibraryTests", dependencies: ["CourseTesting", "TensorCore", "CourseData", "Gnuplot", "Training", "Grading", "WalkthroughSupport",
                                                        "Word2VecKernels", "LanguageModelKernels", "LSTMKernels", "StepProduct"]),
    ],
    swiftLanguageModes: [.v5]
)

// Timing the data loaders (release builds only make sense): Tools/CSVBenchmark/main.swift, a
// course developer's tool the student edition leaves out.
if exists("Tools/CSVBenchmark") {
    package.targets.append(.executableTarget(name: "CSVBenchmark", dependencies: ["CourseData", "TensorCore"],
                                             path: "Tools/CSVBenchmark", swiftSettings: speed))
}
