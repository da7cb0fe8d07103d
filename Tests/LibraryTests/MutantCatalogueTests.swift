import Foundation
import TensorCore
import XCTest
@testable import Grading

// Instructors only: the student edition has neither the catalogues nor Solutions/.
// BEGIN INSTRUCTOR
/// Tests/Mutants/LessonN.txt, the mistakes `make mutants` applies: each entry must still match
/// its solution region, or the mutation check would silently test nothing.
final class MutantCatalogueTests: XCTestCase {
    func testEveryCatalogueEntryOccursExactlyOnceInItsRegion() {
        let workspace = Workspace(root: courseRoot)
        let lessons = workspace.lessons.filter(MutantCatalogue.checkedLessons.contains)
        XCTAssertFalse(lessons.isEmpty, "no lessons found under \(courseRoot)")
        for lesson in lessons {
            let (mutants, problems) = MutantCatalogue.load(root: courseRoot, lesson: lesson)
            XCTAssertEqual(problems, [], "Tests/Mutants/Lesson\(lesson).txt no longer matches Solutions/Lesson\(lesson)")
            XCTAssertFalse(mutants.isEmpty, "Lesson \(lesson) has no mutants")
            for placed in mutants {
                XCTAssertNotEqual(placed.mutatedText, try? String(contentsOfFile: "\(courseRoot)/\(placed.mutant.solutionPath)", encoding: .utf8),
                                  "\(placed.mutant.source) changes nothing")
            }
        }
    }

    func testPlacesTheEditAndReportsWhatNoLongerMatches() throws {
        let root = NSTemporaryDirectory() + "mutants-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/Solutions/Lesson1", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/Tests/Mutants", withIntermediateDirectories: true)
        try """
        func f(_ x: Double) -> Double {
            // BEGIN SOLUTION: f (section 1)
            let y = x + 1
            return y * y
            // END SOLUTION
        }
        """.write(toFile: root + "/Solutions/Lesson1/F.swift", atomically: true, encoding: .utf8)
        try """
        # a comment
        region F.swift: f
        mistake: drop the + 1
        find: x + 1
        replace: x

        mistake: square y twice
        find: let y = x + 1\\n    return y * y
        replace: let y = x + 1\\n    return y * y * y

        mistake: text that is not there
        find: x - 1
        replace: x

        mistake: text that is there twice
        find: y
        replace: z
        """.write(toFile: root + "/Tests/Mutants/Lesson1.txt", atomically: true, encoding: .utf8)

        let (mutants, problems) = MutantCatalogue.load(root: root, lesson: 1)
        XCTAssertEqual(mutants.map(\.mutant.mistake), ["drop the + 1", "square y twice"])
        XCTAssertEqual(mutants.map(\.line), [3, 3])
        XCTAssertEqual(mutants.first?.location, "Solutions/Lesson1/F.swift:3")
        XCTAssertTrue(mutants.first?.mutatedText.contains("    let y = x\n    return y * y") ?? false)
        XCTAssertTrue(mutants.last?.mutatedText.contains("return y * y * y") ?? false)
        XCTAssertEqual(problems.count, 3, "\(problems)")
        XCTAssertTrue(problems.contains { $0.hasPrefix("Tests/Mutants/Lesson1.txt:11:") && $0.contains("occurs 0 times") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.hasPrefix("Tests/Mutants/Lesson1.txt:15:") && $0.contains("occurs 3 times") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.contains("region F.swift: f") && $0.contains("at least 3") }, "\(problems)")
    }

    func testSyntaxErrorsNameTheLine() {
        let (mutants, problems) = MutantCatalogue.parse("mistake: no region\nfind: a\nreplace: b\nregion F.swift: f\nfind: x\nmistake: m\nfind: a\n",
                                                        lesson: 1, file: "L.txt")
        XCTAssertTrue(mutants.isEmpty)
        XCTAssertEqual(problems, [
            "L.txt:1: a mistake before any `region <File.swift>: <name>` line",
            "L.txt:2: `find:` outside a mutant (start one with `mistake:`)",
            "L.txt:3: `replace:` outside a mutant (start one with `mistake:`)",
            "L.txt:5: `find:` outside a mutant (start one with `mistake:`)",
            "L.txt:6: mutant 'm' has no replace: line",
        ])
    }
}
// END INSTRUCTOR
