// The autograder's defences in isolation: the grading record's verdict, the region scan, the
// splice of a submitted file into the course's, the submission's file names, the digests.
// `make test-grader` runs them against whole attacked submissions.

import Foundation
import XCTest
@testable import Grading

final class GradingRecordTests: XCTestCase {
    let secret = String(repeating: "ab", count: 32)
    let test = TestID(module: "Lesson1Tests", className: "LinearTests", method: "testForward")

    func record(_ lines: [String]) -> String { lines.map { "\(secret) \($0)" }.joined(separator: "\n") + "\n" }

    func testOnlyACompleteCleanRecordOfTheAskedTestPasses() {
        let good = ["ready", "start LinearTests.testForward", "finish LinearTests.testForward 0", "end 1"]
        XCTAssertNil(GradingChannel.problem(record: record(good), secret: secret, test: test))
        XCTAssertEqual(GradingChannel.problem(record: "", secret: secret, test: test),
                       "the course's test harness did not start (no record)")
        XCTAssertEqual(GradingChannel.problem(record: record(["ready", "start LinearTests.testForward"]), secret: secret, test: test),
                       "the test did not finish (the process ended in the middle of it)")
        XCTAssertEqual(GradingChannel.problem(record: record(["ready", "start LinearTests.testForward", "issue LinearTests.testForward",
                                                              "finish LinearTests.testForward 1", "end 1"]), secret: secret, test: test),
                       "the test recorded 1 failure(s)")
        XCTAssertEqual(GradingChannel.problem(record: record(["ready", "start LinearTests.testOther", "finish LinearTests.testOther 0", "end 1"]),
                                              secret: secret, test: test),
                       "the test that ran was LinearTests.testOther, not LinearTests/testForward")
        XCTAssertEqual(GradingChannel.problem(record: record(good.dropLast() + ["start LinearTests.testForward", "end 2"]), secret: secret, test: test),
                       "2 tests ran where one was asked for")
        XCTAssertEqual(GradingChannel.problem(record: record(good.dropLast()), secret: secret, test: test),
                       "the test run did not end normally after the test")
        // A line without the secret (written by anything but the recorder) spoils the record.
        XCTAssertEqual(GradingChannel.problem(record: record(good) + "0000 finish LinearTests.testForward 0\n", secret: secret, test: test),
                       "the test's record has a line the course's test harness did not write")
    }

    func testTheChannelHandsOverTwoDescriptorsAndReadsTheRecordBack() throws {
        let channel = try GradingChannel(directory: nil)
        XCTAssertEqual(channel.environmentValue, "3,4")
        XCTAssertEqual(channel.inherited.map(\.target), [3, 4])
        XCTAssertTrue(channel.inherited.allSatisfy { $0.source >= 10 })
        XCTAssertEqual(channel.recordText(), "")
        XCTAssertEqual(channel.problem(for: test), "the course's test harness did not start (no record)")
    }
}

final class RegionScanTests: XCTestCase {
    func messages(_ code: String) -> [String] { RegionScan.findings(code, firstLine: 10).map(\.description) }

    func testEverydayCodePasses() {
        let code = #"""
            var total = 0.0  // exit here? no: a comment
            let text = "exit(0) and import Foundation are only words in a string"
            for (z, y) in zip(logits, labels) { total += max(z, 0) - z * Double(y) }
            var rows: [[Int]] = []
            rows.append(contentsOf: [[1], [2]])
            let label = "\(rows.count) rows, \(#"raw "quoted" text"#)"
            return x.scalars.reduce(0, +) + total
            """#
        XCTAssertEqual(messages(code), [])
    }

    func testWhatReachesOutsideTheTestIsRefusedWithItsLine() {
        XCTAssertEqual(messages("let a = 1\nexit(0)"), ["line 11: `exit` is not allowed in an exercise (the grader refuses names that reach outside the test; if it is a name of your own, rename it)"])
        XCTAssertEqual(messages("@_cdecl(\"main\") func f() {}").first, "line 10: the attribute `@_cdecl` is not allowed in an exercise")
        XCTAssertEqual(messages("#if true\n#endif").first, "line 10: `#if` is not allowed in an exercise")
        XCTAssertEqual(messages("return 0 }\nfunc g() {").first,
                       "line 10: `}` closes something opened before your code; an exercise's code must stay inside its region")
        XCTAssertEqual(messages("let s = \"\\(exit(0))\"").first?.contains("`exit`"), true, "code inside an interpolation is code")
        XCTAssertEqual(messages("let p = unsafeBitCast(f, to: Int.self)").first?.contains("`unsafeBitCast`"), true)
        XCTAssertTrue(messages("_ = x.withUnsafeBufferPointer { $0.baseAddress }").contains { $0.contains("`baseAddress`") })
        XCTAssertEqual(messages("let t = try String(contentsOf: u)").first?.contains("contentsOf"), true)
        XCTAssertEqual(messages("let f = Fixture.self").first?.contains("`Fixture`"), true)
        XCTAssertEqual(messages("let s = \"open\nlet t = 1").first, "line 10: a string is not closed on its line")
        XCTAssertEqual(messages("/* open").first, "line 10: a /* comment is not closed inside your code")
        XCTAssertEqual(messages("if x { return").first, "line 10: `{` is not closed inside your code")
    }

    func testPointersAreRefusedBufferPointersToo() {
        // An unsafe buffer's subscript is not bounds-checked in release builds: p[p.count + 100] reads what is not yours.
        XCTAssertEqual(messages("let s = x.scalars.withUnsafeBufferPointer { p in p[p.count + 100] }").first?.contains("`withUnsafeBufferPointer`: unsafe pointers are not allowed"), true)
        XCTAssertEqual(messages("x.withUnsafeMutableBufferPointer { p in p[0] = 1 }").first?.contains("`withUnsafeMutableBufferPointer`"), true)
        XCTAssertEqual(messages("let q = UnsafePointer(p + 1)").first?.contains("`UnsafePointer`"), true)
        XCTAssertEqual(messages("let q = p.advanced(by: 4)").first?.contains("`advanced`: pointer access is not allowed"), true)
        XCTAssertEqual(messages("let n = MemoryLayout<Float>.size").first?.contains("`MemoryLayout`"), true)
        XCTAssertEqual(messages("let u = Unmanaged.passUnretained(o)").first?.contains("`Unmanaged`"), true)
        XCTAssertEqual(messages("let o: OpaquePointer? = nil").first?.contains("`OpaquePointer`"), true)
        XCTAssertEqual(messages("withUnsafeBytes(of: x) { _ in }").first?.contains("`withUnsafeBytes`"), true)
        XCTAssertEqual(messages("let y = unsafe x").first?.contains("`unsafe`"), true)
        // The provided fast kernel computes the layer an exercise asks for.
        XCTAssertEqual(messages("return fastForward(x, lengths: lengths, initial: initial, training: training, rng: &rng)").contains { $0.contains("`fastForward`") }, true)
        XCTAssertEqual(messages("let r = layers[0][0].fused.forward(x, lengths: lengths, initial: nil)").contains { $0.contains("`fused`") }, true)
        XCTAssertEqual(messages("var copy = self; copy.kernel = .fast").contains { $0.contains("`kernel`") }, true)
        // ... and the training step's kernels (Lesson 5).
        XCTAssertEqual(messages("FusedAdam.step(&p, gradient: g, m: &m, v: &v, t: 1, learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0)").contains { $0.contains("`FusedAdam`") }, true)
        XCTAssertEqual(messages("return fastStep(&parameters, gradients: gradients)").contains { $0.contains("`fastStep`") }, true)
        XCTAssertEqual(messages("let r = FusedPooling.forward(out, lengths: lengths, max: true, mean: true)").contains { $0.contains("`FusedPooling`") }, true)
        XCTAssertEqual(messages("let (y, m) = FusedDropout.forward(x, probability: p, rng: &rng)").contains { $0.contains("`FusedDropout`") }, true)
        XCTAssertEqual(messages("let y = FusedEmbedding.gather(weight, ids: ids, shape: shape)").contains { $0.contains("`FusedEmbedding`") }, true)
        XCTAssertEqual(messages("let (y, m) = fastDropout(x, training: training, rng: &rng)").contains { $0.contains("`fastDropout`") }, true)
        XCTAssertEqual(messages("let (p, c) = fastPooling(out, lengths: lengths)").contains { $0.contains("`fastPooling`") }, true)
    }
}

final class RegionAuditTests: XCTestCase {
    func testPointersAndImportsAreNamedWithFileAndLine() {
        let file = """
            // Lesson 2, a file with one exercise.
            import Foundation
            import Lesson1
            import Lesson3
            import TensorCore

            public func total(_ x: Tensor<Float>) -> Float {
                // BEGIN SOLUTION: total (section 1)
                let a = 1
                return x.withUnsafeBufferPointer { p in p[p.count] }
                // END SOLUTION
            }
            """
        let found = RegionAudit.audit(file, path: "Solutions/Lesson2/Total.swift", lesson: 2)
        XCTAssertEqual(found.count, 3, "\(found)")
        XCTAssertTrue(found[0].hasPrefix("Solutions/Lesson2/Total.swift:10: `withUnsafeBufferPointer`"), found[0])
        XCTAssertTrue(found[1].hasPrefix("Solutions/Lesson2/Total.swift:2: imports Foundation;"), found[1])
        XCTAssertTrue(found[2].hasPrefix("Solutions/Lesson2/Total.swift:4: imports Lesson3;"), found[2])
    }

    func testProvidedFilesMayImportWhatTheyNeed() {
        let file = "import Foundation\nimport Dispatch\npublic func f() {}\n"
        XCTAssertEqual(RegionAudit.audit(file, path: "Solutions/Lesson5/Plumbing.swift", lesson: 5), [])
    }

    func testImportForms() {
        XCTAssertEqual(RegionAudit.importedModule("@preconcurrency import struct Foundation.Data"), "Foundation")
        XCTAssertEqual(RegionAudit.importedModule("  import Glibc"), "Glibc")
        XCTAssertNil(RegionAudit.importedModule("// import Foundation"))
        XCTAssertNil(RegionAudit.importedModule("let importance = 1"))
    }
}

final class SpliceTests: XCTestCase {
    let solution = """
    // A file of the course.
    import TensorCore

    public func double(_ x: Int) -> Int {
        // BEGIN SOLUTION: double (section 1)
        x * 2
        // END SOLUTION
    }

    public func triple(_ x: Int) -> Int {
        // BEGIN SOLUTION: triple (section 1)
        x * 3
        // END SOLUTION
    }

    """

    func template() throws -> LessonTemplate {
        try LessonTemplate(solution: solution, lesson: 1, file: "Solutions/Lesson1/Double.swift")
    }

    func testTheRegionsAreTakenAndTheRestIsTheCourses() throws {
        let t = try template()
        XCTAssertEqual(t.regions.map(\.what), ["double (section 1)", "triple (section 1)"])
        var student = t.stubbed()
        XCTAssertTrue(student.hasPrefix("// Your copy of Solutions/Lesson1/Double.swift"))
        student = student.replacingOccurrences(of: #"    unimplemented("double", lesson: 1, see: "section 1")"#,
                                               with: "    let y = x + x\n    return y")
        let spliced = t.splice(student, name: "Lesson1/Double.swift")
        XCTAssertEqual(spliced.notes, [])
        XCTAssertEqual(spliced.text, student)
        // The reference itself (markers and all) is a valid submission.
        XCTAssertEqual(t.splice(solution, name: "Lesson1/Double.swift").notes, [])
    }

    func testChangedCourseCodeKeepsTheStubsAndARefusedRegionItsStub() throws {
        let t = try template()
        let added = t.stubbed().replacingOccurrences(of: "import TensorCore", with: "import TensorCore\nimport Foundation")
        let changed = t.splice(added, name: "Lesson1/Double.swift")
        XCTAssertEqual(changed.text, t.stubbed())
        XCTAssertEqual(changed.notes.first?.hasPrefix("Lesson1/Double.swift:4: this line of the course's code was changed"), true)

        let exiting = t.stubbed().replacingOccurrences(of: #"    unimplemented("triple", lesson: 1, see: "section 1")"#,
                                                       with: "    exit(0)")
        let refused = t.splice(exiting, name: "Lesson1/Double.swift")
        XCTAssertEqual(refused.text, t.stubbed())
        XCTAssertEqual(refused.notes.count, 1)
        XCTAssertEqual(refused.notes.first?.hasPrefix("Lesson1/Double.swift:10: `exit` is not allowed"), true)

        let escaping = t.stubbed().replacingOccurrences(of: #"    unimplemented("double", lesson: 1, see: "section 1")"#,
                                                        with: "    0 }\n@_silgen_name(\"main\") func evil() {")
        XCTAssertEqual(t.splice(escaping, name: "Lesson1/Double.swift").text, t.stubbed())
    }

    func testSafeNames() {
        XCTAssertTrue(SubmissionIntake.isSafeName("Linear.swift"))
        XCTAssertTrue(SubmissionIntake.isSafeName("Lesson_1-b.swift"))
        for bad in ["a\"b.swift", "a\nb.swift", ".hidden", "..", "a b.swift", "é.swift", "", "a/b"] {
            XCTAssertFalse(SubmissionIntake.isSafeName(bad), bad)
        }
        XCTAssertEqual(SubmissionIntake.shown("Lesson4/a\"b.swift"), #""Lesson4/a\"b.swift""#)
    }

    func testSHA256() {
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }
}

final class SandboxUserPoolTests: XCTestCase {
    /// After each test the grader kills every process of that test's user, so two graders on
    /// one machine that shared users would kill each other's tests: each claims a pool of its own.
    func testTwoGradersAtOnceGetUserPoolsOfTheirOwn() {
        let first = Sandbox.claimUserPool()
        let second = Sandbox.claimUserPool()
        XCTAssertGreaterThanOrEqual(first.lock, 0, "the lock file of pool \(first.index)")
        XCTAssertGreaterThanOrEqual(second.lock, 0, "the lock file of pool \(second.index)")
        XCTAssertNotEqual(first.index, second.index, "two graders running at once share their users")
        close(first.lock)
        // The pool still held stays its grader's own.
        let third = Sandbox.claimUserPool()
        XCTAssertNotEqual(third.index, second.index, "a pool that is held was claimed again")
        close(second.lock)
        close(third.lock)
    }
}
