import Foundation
import TensorCore
import XCTest
@testable import Grading

/// The pieces of `make student-dist` and grading.json's visibility and hint tiers; the whole
/// edition is built and used by `make test`'s section 4.
final class StudentEditionTests: XCTestCase {
    func testInstructorRegionsGoWithTheirMarkers() throws {
        let text = """
        keep 1
        # BEGIN INSTRUCTOR
        drop (make)
        # END INSTRUCTOR
            // BEGIN INSTRUCTOR
            drop (swift)
            // END INSTRUCTOR
        <!-- BEGIN INSTRUCTOR -->
        drop (markdown)
        <!-- END INSTRUCTOR -->
        a line that mentions BEGIN INSTRUCTOR in passing stays
        keep 2
        """
        XCTAssertEqual(try StudentEdition.withoutInstructorRegions(text, file: "F"),
                       "keep 1\na line that mentions BEGIN INSTRUCTOR in passing stays\nkeep 2")
    }

    func testUnbalancedInstructorMarkersAreErrors() {
        XCTAssertThrowsError(try StudentEdition.withoutInstructorRegions("# BEGIN INSTRUCTOR\nx", file: "Makefile")) { error in
            XCTAssertEqual("\(error)", "Makefile:1: BEGIN INSTRUCTOR without an END INSTRUCTOR")
        }
        XCTAssertThrowsError(try StudentEdition.withoutInstructorRegions("x\n// END INSTRUCTOR", file: "F.swift")) { error in
            XCTAssertEqual("\(error)", "F.swift:2: END INSTRUCTOR without a BEGIN INSTRUCTOR before it")
        }
    }

    private let config = """
    {
      "lesson": 3,
      "title": "T",
      "tests": [
        {"name": "HiddenA/testA", "points": 2, "visibility": "hidden",
         "hint": "a { brace \\" quote"},
        {"name": "VisibleB/testB", "points": 1, "hint": "b",
         "moreHints": ["b2", "b3"]},
        {"name": "HiddenA/testC", "points": 1, "visibility": "after_due_date"},
        {"name": "VisibleB/testD", "points": 1}
      ]
    }

    """

    func testVisibleEntriesKeepTheFileAsWritten() throws {
        let edition = StudentEdition(workspace: Workspace(root: "/nonexistent"))
        let kept = String(decoding: try edition.visibleEntries(of: Data(config.utf8), file: "grading.json"), as: UTF8.self)
        XCTAssertEqual(kept, """
        {
          "lesson": 3,
          "title": "T",
          "tests": [
            {"name": "VisibleB/testB", "points": 1, "hint": "b",
             "moreHints": ["b2", "b3"]},
            {"name": "VisibleB/testD", "points": 1}
          ]
        }

        """)
    }

    func testVisibilityAndHintTiers() throws {
        let decoded = try GradingConfig.decode(Data(config.utf8), file: "grading.json")
        XCTAssertEqual(decoded.tests.map(\.isVisible), [false, true, false, true])
        XCTAssertEqual(decoded.tests[1].hintTiers, ["b", "b2", "b3"])
        XCTAssertEqual(decoded.tests[3].hintTiers, [])
        let reconciled = GradingConfig.reconcile(decoded, lesson: 3, tests: [
            TestID(module: "Lesson3Tests", className: "HiddenA", method: "testA"),
            TestID(module: "Lesson3Tests", className: "VisibleB", method: "testB"),
        ])
        XCTAssertEqual(reconciled.tests.map(\.visibility), ["hidden", "visible"])

        let bad = config.replacingOccurrences(of: "after_due_date", with: "secret")
        XCTAssertThrowsError(try GradingConfig.decode(Data(bad.utf8), file: "grading.json")) { error in
            XCTAssertTrue("\(error)".contains("HiddenA/testC has visibility \"secret\""), "\(error)")
        }
    }

    func testDeclaredClasses() {
        let text = """
        final class HiddenShapesTests: XCTestCase {}
        private struct NotAClass {}
          class Other {}
        // class InAComment is not matched at the start of a line
        """
        XCTAssertEqual(StudentEdition.declaredClasses(text), ["HiddenShapesTests", "Other"])
    }
}

// BEGIN INSTRUCTOR
extension StudentEditionTests {
    /// The edition of this checkout leaves out what would give an exercise away: the reference,
    /// the hidden tests, the fixture generators (Tools/fixtures/lstm_mistakes.py writes Lesson 3's
    /// backward pass out to store its typical mistakes) and the mutant catalogues (their find:
    /// lines are solution code). What it keeps of the Lesson 3 diagnosis compares numbers only.
    func testTheEditionLeavesOutTheInstructorFiles() throws {
        let (files, _) = try StudentEdition(workspace: Workspace(root: courseRoot)).contents()
        for path in ["Solutions/Lesson3/LSTMCell.swift", "Tools/fixtures/lstm_mistakes.py", "Tools/fixtures/lesson3.py",
                     "Tests/Mutants/Lesson3.txt", "Tests/Lesson3Tests/HiddenLSTMCellTests.swift"] {
            XCTAssertNil(files[path], "the student edition holds \(path)")
        }
        for folder in StudentEdition.instructorOnly {
            XCTAssertFalse(files.keys.contains { folder.hasSuffix("/") ? $0.hasPrefix(folder) : $0 == folder },
                           "the student edition holds \(folder)")
        }
        let shipped = ["Sources/CourseTesting/LSTMBackwardDiagnosis.swift", "Tests/LibraryTests/LSTMBackwardDiagnosisTests.swift",
                       "Lessons/Lesson3/Derivation.swift", "Lessons/Lesson3/CommonBug.swift"]
        for path in shipped {
            let text = try XCTUnwrap(files[path].map { String(decoding: $0, as: UTF8.self) }, "\(path) is not in the edition")
            for code in ["concatColumns", "matmul(dGates", "transposeA: true", "* (1 - ", "1 - t * t"] {
                XCTAssertFalse(text.contains(code), "\(path) in the student edition computes a backward pass (\(code))")
            }
        }
    }
}
// END INSTRUCTOR
