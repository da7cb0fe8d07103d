// `make student-dist OUT=dir`: the copy of the course a class is given. It is the checkout
// without the reference (Solutions/), without the tests grading.json marks hidden (their files
// and Tests/Fixtures/hidden/), and without the instructor's and course developer's tools; the
// lines between `BEGIN INSTRUCTOR` and `END INSTRUCTOR` markers (Makefile, course CLI, README)
// are left out too. Package.swift and Workspace then take the lessons from Exercises/.
//
// Before anything is written, every file of the edition is searched for the lines of the
// reference's solution regions: an edition that would leak one is refused.

import Foundation

public struct StudentEdition {
    public var workspace: Workspace

    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    /// Folders (ending in /) and files of the checkout that stay with the instructor.
    public static let instructorOnly = [
        "Solutions/",                 // the reference
        "Tests/Fixtures/hidden/",     // fixtures of hidden tests
        "Tools/fixtures/",            // the PyTorch fixture generators (lstm_mistakes.py writes Lesson 3's backward out)
        "Tests/Mutants/",             // the typical-mistake catalogues: their find: lines are solution code
        "Tools/gradescope/",          // the Gradescope autograder's scripts
        "Tools/CSVBenchmark/", "Tools/bench_csv.sh", "Benchmarks/",  // course developers' timings
        ".ci/", "CONTRIBUTING.md",
    ]

    /// What `write` did.
    public struct Summary: Sendable {
        public var files: Int
        public var hiddenTests: [String]
        public var leftOut: [String]
    }

    /// The edition's files: relative path -> contents.
    public func contents(excluding outputDirectory: String? = nil) throws -> (files: [String: Data], summary: Summary) {
        let hidden = try hiddenTests()
        var files: [String: Data] = [:]
        var leftOut: [String] = []
        for path in try checkoutFiles(excluding: outputDirectory) {
            if Self.instructorOnly.contains(where: { $0.hasSuffix("/") ? path.hasPrefix($0) : path == $0 }) || hidden.files.contains(path) {
                leftOut.append(path)
                continue
            }
            guard var data = FileManager.default.contents(atPath: workspace.root + "/" + path) else {
                throw GradingError("cannot read \(path)")
            }
            if path.hasSuffix("/grading.json") {
                data = try visibleEntries(of: data, file: path)
            } else if let text = String(data: data, encoding: .utf8), text.contains("BEGIN INSTRUCTOR") {
                data = Data(try Self.withoutInstructorRegions(text, file: path).utf8)
            }
            files[path] = data
        }
        files[Workspace.studentEditionMarker] = Data("""
            This is the student edition of "LSTMs from scratch, in Swift": your exercises are in
            Exercises/, `make check` tests them and `make hint` shows the hints of a failing test.
            It has no reference solutions and no hidden tests (the course's grader has those).

            """.utf8)
        var editionLines: Set<String> = []
        for data in files.values {
            editionLines.formUnion(String(decoding: data, as: UTF8.self).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        let leaks = try referenceLines().filter(editionLines.contains)
        if !leaks.isEmpty {
            throw GradingError("the student edition would contain lines of the reference solutions:\n"
                + leaks.prefix(10).map { "  \($0)" }.joined(separator: "\n"))
        }
        if let name = hidden.names.first(where: { name in
            files.contains { $0.key.hasPrefix("Tests/") && String(decoding: $0.value, as: UTF8.self).contains(name) }
        }) {
            throw GradingError("the student edition's Tests/ still mention the hidden test class \(name)")
        }
        return (files, Summary(files: files.count, hiddenTests: hidden.tests, leftOut: leftOut))
    }

    /// Writes the edition into `directory`: a new folder, an empty one, or an earlier edition
    /// (recognised by its marker file), which is brought up to date: files are rewritten only
    /// when they changed, so its build folders stay valid, and files the edition no longer has
    /// are removed. Build folders, out/ and data-cache/ of an earlier edition are kept.
    @discardableResult
    public func write(to directory: String) throws -> Summary {
        let fm = FileManager.default
        let target = URL(fileURLWithPath: directory, relativeTo: URL(fileURLWithPath: fm.currentDirectoryPath + "/")).standardizedFileURL.path
        guard target != workspace.root, !workspace.root.hasPrefix(target + "/") else {
            throw GradingError("the student edition cannot be written over the checkout itself (\(directory))")
        }
        let existing = (try? fm.contentsOfDirectory(atPath: target)) ?? []
        if !existing.isEmpty, !existing.contains(Workspace.studentEditionMarker) {
            throw GradingError("\(directory) is not empty and holds no earlier student edition (\(Workspace.studentEditionMarker)); choose a new folder")
        }
        let (files, summary) = try contents(excluding: target)
        var emptied: Set<String> = []
        for relative in try ExerciseGenerator.filesUnder(target) where files[relative] == nil && !Self.isLocalState(relative) {
            try fm.removeItem(atPath: target + "/" + relative)
            emptied.insert((relative as NSString).deletingLastPathComponent)
        }
        // A folder an earlier edition had and this one has not (Tests/Mutants, say) goes too:
        // deepest first, and only when nothing is left in it.
        for folder in emptied.sorted(by: { $0.count > $1.count }) where !folder.isEmpty {
            var path = folder
            while !path.isEmpty, (try? fm.contentsOfDirectory(atPath: target + "/" + path))?.isEmpty == true {
                try fm.removeItem(atPath: target + "/" + path)
                path = (path as NSString).deletingLastPathComponent
            }
        }
        for (relative, data) in files.sorted(by: { $0.key < $1.key }) {
            let path = target + "/" + relative
            if fm.contents(atPath: path) == data { continue }
            try fm.createDirectory(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            // Scripts stay executable.
            if let attributes = try? fm.attributesOfItem(atPath: workspace.root + "/" + relative),
               let mode = attributes[.posixPermissions] as? Int {
                try fm.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            }
        }
        return summary
    }

    /// What a student's (or a test's) runs leave in an edition folder: kept when it is updated.
    static func isLocalState(_ relative: String) -> Bool {
        let first = relative.split(separator: "/").first.map(String.init) ?? relative
        return first.hasPrefix(".build") || ["out", "data-cache", ".grade", ".swiftpm", "Package.resolved"].contains(first)
    }

    // MARK: What goes in

    /// The checkout's files as git sees them (tracked, or new and not ignored), so build
    /// folders, out/ and local data never travel; every regular file outside those when the
    /// checkout is not a git repository.
    func checkoutFiles(excluding outputDirectory: String?) throws -> [String] {
        let fm = FileManager.default
        let git = try? Subprocess("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                  workingDirectory: workspace.root, timeLimit: 60).run()
        var paths: [String]
        if let git, git.termination == .exited(0) {
            paths = git.output.split(separator: "\0").map(String.init)
        } else {
            paths = try ExerciseGenerator.filesUnder(workspace.root).filter {
                !Self.isLocalState($0) && !$0.hasPrefix(".git/") && $0 != ".git"
            }
        }
        let outside = outputDirectory.flatMap { $0.hasPrefix(workspace.root + "/") ? String($0.dropFirst(workspace.root.count + 1)) + "/" : nil }
        paths = paths.filter { path in
            if let outside, path.hasPrefix(outside) { return false }
            // Regular files only: a link could point at the reference or outside the course.
            guard let type = try? fm.attributesOfItem(atPath: workspace.root + "/" + path)[.type] as? FileAttributeType else { return false }
            return type == .typeRegular
        }
        return Array(Set(paths)).sorted()
    }

    /// The tests grading.json marks other than visible, the files that declare them, and
    /// their class names. A file declaring a hidden test's class must hold hidden tests only.
    func hiddenTests() throws -> (tests: [String], files: Set<String>, names: [String]) {
        var tests: [String] = []
        var files: Set<String> = []
        var names: [String] = []
        for lesson in workspace.lessons {
            guard let config = try workspace.gradingConfig(lesson: lesson) else { continue }
            let hiddenClasses = Set(config.tests.filter { !$0.isVisible }.compactMap { $0.name.split(separator: "/").first.map(String.init) })
            let visibleClasses = Set(config.tests.filter(\.isVisible).compactMap { $0.name.split(separator: "/").first.map(String.init) })
            guard !hiddenClasses.isEmpty else { continue }
            if let both = hiddenClasses.intersection(visibleClasses).first {
                throw GradingError("Tests/Lesson\(lesson)Tests/grading.json: \(both) has hidden and visible tests; put the hidden ones in a class (and file) of their own")
            }
            tests += config.tests.filter { !$0.isVisible }.map { "Lesson \(lesson) · \($0.name)" }
            let folder = "Tests/Lesson\(lesson)Tests"
            for file in try ExerciseGenerator.filesUnder(workspace.root + "/" + folder) where file.hasSuffix(".swift") {
                let text = try String(contentsOfFile: "\(workspace.root)/\(folder)/\(file)", encoding: .utf8)
                let declared = Self.declaredClasses(text)
                guard !declared.isDisjoint(with: hiddenClasses) else { continue }
                if let other = declared.subtracting(hiddenClasses).first {
                    throw GradingError("\(folder)/\(file) declares the hidden tests' class \(declared.intersection(hiddenClasses).sorted()[0]) and also \(other); hidden tests need a file of their own")
                }
                files.insert("\(folder)/\(file)")
                names += declared.sorted()
            }
            for name in hiddenClasses where !names.contains(name) {
                throw GradingError("\(folder): no file declares the hidden test class \(name)")
            }
        }
        return (tests, files, names)
    }

    static func declaredClasses(_ text: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: #"^\s*(?:final\s+|public\s+|private\s+|fileprivate\s+|internal\s+)*class\s+([A-Za-z_][A-Za-z0-9_]*)"#, options: [.anchorsMatchLines])
        let range = NSRange(text.startIndex..., in: text)
        return Set(regex.matches(in: text, range: range).compactMap { Range($0.range(at: 1), in: text).map { String(text[$0]) } })
    }

    /// grading.json without the entries that are not visible; the rest exactly as written (the
    /// hand-made layout of one entry per line or two stays).
    func visibleEntries(of data: Data, file: String) throws -> Data {
        let config = try GradingConfig.decode(data, file: file)
        guard config.tests.contains(where: { !$0.isVisible }) else { return data }
        let bytes = [UInt8](data)
        // The objects of the "tests" array, as byte ranges: the array is the one after "tests".
        guard let key = data.range(of: Data(#""tests""#.utf8)),
              let open = bytes[key.upperBound...].firstIndex(of: UInt8(ascii: "[")) else {
            throw GradingError("\(file): no \"tests\" array")
        }
        var objects: [Range<Int>] = []
        var depth = 0, inString = false, escaped = false, start = 0
        scan: for i in (open + 1)..<bytes.count {
            let byte = bytes[i]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if depth == 0 { start = i }
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == 0 { break scan }       // the end of the tests array
                depth -= 1
                if depth == 0 { objects.append(start..<(i + 1)) }
            default: break
            }
        }
        guard objects.count == config.tests.count else {
            throw GradingError("\(file): found \(objects.count) entries in \"tests\", expected \(config.tests.count)")
        }
        // Each hidden entry goes with the separator before it (after it, for the first entry).
        var removals: [Range<Int>] = []
        for (index, (object, entry)) in zip(objects, config.tests).enumerated() where !entry.isVisible {
            if index > 0 {
                removals.append(objects[index - 1].upperBound..<object.upperBound)
            } else if objects.count > 1 {
                removals.append(object.lowerBound..<objects[1].lowerBound)
            } else {
                removals.append(object)
            }
        }
        var kept = bytes
        for range in removals.sorted(by: { $0.lowerBound > $1.lowerBound }) {
            kept.removeSubrange(range)
        }
        let result = Data(kept)
        let check = try GradingConfig.decode(result, file: file)
        guard check.tests.map(\.name) == config.tests.filter(\.isVisible).map(\.name) else {
            throw GradingError("\(file): removing the hidden entries went wrong; check the file's layout")
        }
        return result
    }

    // MARK: Instructor regions

    /// A marker line: the marker alone in a comment (`#`, `//` or `<!-- -->`).
    static let marker = try! NSRegularExpression(pattern: #"^\s*(?:#|//|<!--)\s*(BEGIN|END) INSTRUCTOR\s*(?:-->)?\s*$"#)

    /// `text` without the lines from a `BEGIN INSTRUCTOR` marker line to the next
    /// `END INSTRUCTOR` marker line, markers included.
    public static func withoutInstructorRegions(_ text: String, file: String) throws -> String {
        var kept: [String] = []
        var openedAt: Int?
        for (index, line) in text.components(separatedBy: "\n").enumerated() {
            let match = marker.firstMatch(in: line, range: NSRange(line.startIndex..., in: line))
            let kind = match.flatMap { Range($0.range(at: 1), in: line) }.map { String(line[$0]) }
            if kind == "BEGIN" {
                if let start = openedAt { throw GradingError("\(file):\(index + 1): BEGIN INSTRUCTOR inside the region opened at line \(start)") }
                openedAt = index + 1
            } else if kind == "END" {
                if openedAt == nil { throw GradingError("\(file):\(index + 1): END INSTRUCTOR without a BEGIN INSTRUCTOR before it") }
                openedAt = nil
            } else if openedAt == nil {
                kept.append(line)
            }
        }
        if let start = openedAt { throw GradingError("\(file):\(start): BEGIN INSTRUCTOR without an END INSTRUCTOR") }
        return kept.joined(separator: "\n")
    }

    // MARK: The leak check

    /// The distinctive lines of the reference's solution regions: code, not comments, long
    /// enough not to be common, and not also in the provided code (Sources/, Lessons/, the code
    /// around the stubs in Exercises/), which
    /// may share a line with the reference by design.
    public func referenceLines() throws -> [String] {
        var provided: Set<String> = []
        for folder in ["Sources", "Lessons", "Exercises"] {
            for file in try ExerciseGenerator.filesUnder(workspace.root + "/" + folder) where file.hasSuffix(".swift") {
                let text = (try? String(contentsOfFile: "\(workspace.root)/\(folder)/\(file)", encoding: .utf8)) ?? ""
                provided.formUnion(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
            }
        }
        var lines: [String] = []
        for file in try ExerciseGenerator.filesUnder(workspace.root + "/Solutions") where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: workspace.root + "/Solutions/" + file, encoding: .utf8)
            var inside = false
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("// BEGIN SOLUTION") { inside = true; continue }
                if trimmed.hasPrefix("// END SOLUTION") { inside = false; continue }
                if inside, trimmed.count >= 30, !trimmed.hasPrefix("//"), !provided.contains(trimmed) {
                    lines.append(trimmed)
                }
            }
        }
        return Array(Set(lines)).sorted()
    }
}
