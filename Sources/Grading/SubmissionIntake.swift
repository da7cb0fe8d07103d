// A submission is untrusted input. For each lesson, the grader reads the submitted folder without
// following anything (symbolic links, special files, names outside a safe character set, files
// the lesson does not have: the lesson is refused, naming the file), then takes from each file
// only what replaces the exercise stubs, the solution regions, and splices those into the
// course's own file. Everything outside the regions (imports, declarations, attributes) is the
// course's, whatever the submitted file says there; each region must pass RegionScan.
//
// A refused lesson scores 0 and the reference code stands in for it, so the later lessons that
// build on it are still graded. A region the scan refuses is replaced by its stub (its tests
// score 0); a file whose provided code was changed keeps the stubs in all its regions.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One lesson of a submission, ready to build.
public struct LessonIntake: Sendable {
    public var lesson: Int
    /// Relative path -> text to build (the spliced files), nil when the lesson was refused.
    public var files: [String: String]?
    /// Why the lesson was refused (the reference code stands in for it).
    public var refusal: String?
    /// What was not taken from the submission and why ("Lesson1/Linear.swift:74: ...").
    public var notes: [String]
}

public enum SubmissionIntake {
    /// Longest file the grader reads, and most files in a lesson folder.
    static let maxFileBytes = 512 << 10
    static let maxFiles = 200

    /// `name` is one path component a student may use.
    static func isSafeName(_ name: String) -> Bool {
        guard (1...100).contains(name.utf8.count), let first = name.unicodeScalars.first,
              CharacterSet.alphanumerics.contains(first), first.isASCII else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_.-".unicodeScalars.contains($0)) }
    }

    /// A name as it can be shown: quotes, newlines and control characters escaped.
    static func shown(_ path: String) -> String {
        isSafePath(path) ? path : path.debugDescription
    }

    static func isSafePath(_ path: String) -> Bool {
        path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { isSafeName(String($0)) }
    }

    /// Files the grader ignores without a word (made by file managers, not by students).
    static let ignored: Set<String> = [".DS_Store"]

    /// The lesson's folder in the submission: `<root>/LessonN`, `<root>/Exercises/LessonN` or the
    /// root itself when it is named LessonN. `.missing` when there is none.
    enum Found { case folder(String), missing, refused(String) }

    static func lessonFolder(_ root: String, lesson: Int) -> Found {
        let name = "Lesson\(lesson)"
        var candidates = ["\(root)/\(name)", "\(root)/Exercises/\(name)"]
        if URL(fileURLWithPath: root).lastPathComponent == name { candidates.append(root) }
        for candidate in candidates {
            var info = stat()
            guard lstat(candidate, &info) == 0 else { continue }
            let shownName = candidate == root ? name : String(candidate.dropFirst(root.count + 1))
            switch info.st_mode & S_IFMT {
            case S_IFDIR: return .folder(candidate)
            case S_IFLNK where candidate != root:
                return .refused("\(shownName) is a symbolic link; submit the folder itself")
            default:
                if candidate == root { return .folder(candidate) }
                return .refused("\(shownName) is not a folder")
            }
        }
        return .missing
    }

    /// Reads a lesson folder: every regular file below it, by relative path, or why it is refused.
    static func readFolder(_ folder: String, lesson: Int) -> Result<[String: String], GradingError> {
        var files: [String: String] = [:]
        var problem: String?
        func visit(_ relative: String, depth: Int) {
            guard problem == nil else { return }
            let path = relative.isEmpty ? folder : folder + "/" + relative
            guard let entries = try? FileManager.default.contentsOfDirectory(atPath: path) else {
                problem = "Lesson\(lesson)/\(shown(relative)) cannot be read"
                return
            }
            for entry in entries.sorted() where problem == nil {
                let child = relative.isEmpty ? entry : relative + "/" + entry
                let named = "Lesson\(lesson)/" + shown(child)
                if ignored.contains(entry) { continue }
                guard isSafeName(entry) else {
                    problem = "\(named): the file name has characters the grader does not accept (use letters, digits, _ . -)"
                    return
                }
                var info = stat()
                guard lstat(path + "/" + entry, &info) == 0 else { problem = "\(named) cannot be read"; return }
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    guard depth < 4 else { problem = "\(named): folders nested too deep"; return }
                    visit(child, depth: depth + 1)
                case S_IFREG:
                    guard files.count < maxFiles else { problem = "Lesson\(lesson) has more than \(maxFiles) files"; return }
                    switch readRegularFile(path + "/" + entry) {
                    case .success(let text): files[child] = text
                    case .failure(let why): problem = "\(named): \(why.description)"
                    }
                case S_IFLNK:
                    problem = "\(named) is a symbolic link; submit the file itself"
                default:
                    problem = "\(named) is not a regular file"
                }
            }
        }
        visit("", depth: 0)
        if let problem { return .failure(GradingError(problem)) }
        return .success(files)
    }

    /// The file's text: opened without following a link, a regular file, UTF-8, not too long.
    static func readRegularFile(_ path: String) -> Result<String, GradingError> {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .failure(GradingError("cannot be opened (\(String(cString: strerror(errno))))")) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return .failure(GradingError("is not a regular file")) }
        guard info.st_size <= maxFileBytes else { return .failure(GradingError("is larger than \(maxFileBytes >> 10) KB")) }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes[count...].withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            count += n
        }
        guard count <= maxFileBytes else { return .failure(GradingError("is larger than \(maxFileBytes >> 10) KB")) }
        let data = bytes.prefix(count)
        guard !data.contains(0), let text = String(bytes: data, encoding: .utf8) else {
            return .failure(GradingError("is not UTF-8 text"))
        }
        return .success(text)
    }

    /// One lesson of the submission at `root`: refused, or spliced into the course's files.
    public static func intake(root: String, lesson: Int, workspace: Workspace) throws -> LessonIntake {
        let templates = try LessonTemplate.load(root: workspace.root, lesson: lesson)
        switch lessonFolder(root, lesson: lesson) {
        case .missing:
            return LessonIntake(lesson: lesson, files: nil, refusal: "Lesson \(lesson) is not in the submission (no Lesson\(lesson) folder)", notes: [])
        case .refused(let why):
            return LessonIntake(lesson: lesson, files: nil, refusal: why, notes: [])
        case .folder(let folder):
            let submitted: [String: String]
            switch readFolder(folder, lesson: lesson) {
            case .failure(let why): return LessonIntake(lesson: lesson, files: nil, refusal: why.description, notes: [])
            case .success(let files): submitted = files
            }
            if let extra = submitted.keys.sorted().first(where: { templates[$0] == nil }) {
                return LessonIntake(lesson: lesson, files: nil,
                                    refusal: "Lesson\(lesson)/\(shown(extra)) is not a file of Lesson \(lesson) (its files: \(templates.keys.sorted().joined(separator: ", "))); write your code in the exercise regions of those files", notes: [])
            }
            var files: [String: String] = [:]
            var notes: [String] = []
            for (relative, template) in templates.sorted(by: { $0.key < $1.key }) {
                let name = "Lesson\(lesson)/\(relative)"
                guard let text = submitted[relative] else {
                    files[relative] = template.stubbed()
                    notes.append("\(name) is not in the submission: its exercises were graded as not written.")
                    continue
                }
                let spliced = template.splice(text, name: name)
                files[relative] = spliced.text
                notes += spliced.notes
            }
            return LessonIntake(lesson: lesson, files: files, refusal: nil, notes: notes)
        }
    }
}

/// A solution file as the grader sees it: the course's lines, with the regions in between.
struct LessonTemplate {
    struct Region {
        var what: String
        var stub: String
    }
    /// fixed.count == regions.count + 1: fixed[0], region 0, fixed[1], ...
    var fixed: [[String]]
    var regions: [Region]
    var header: String

    /// Lesson N's solution files, by path relative to Solutions/LessonN.
    static func load(root: String, lesson: Int) throws -> [String: LessonTemplate] {
        let folder = "Solutions/Lesson\(lesson)"
        var templates: [String: LessonTemplate] = [:]
        for relative in try ExerciseGenerator.filesUnder(root + "/" + folder) where relative.hasSuffix(".swift") {
            guard let text = try? String(contentsOfFile: "\(root)/\(folder)/\(relative)", encoding: .utf8) else {
                throw GradingError("cannot read \(folder)/\(relative)")
            }
            templates[relative] = try LessonTemplate(solution: text, lesson: lesson, file: "\(folder)/\(relative)")
        }
        return templates
    }

    init(solution: String, lesson: Int, file: String) throws {
        header = ExerciseGenerator.header(for: file).trimmingCharacters(in: .whitespacesAndNewlines)
        fixed = [[]]
        regions = []
        var inside: [String]?
        for line in solution.components(separatedBy: "\n") {
            if var region = inside {
                region.append(line)
                if line.trimmingCharacters(in: .whitespaces) == "// END SOLUTION" {
                    let stub = try ExerciseGenerator.exercise(fromSolution: region.joined(separator: "\n"), lesson: lesson, file: file)
                    let what = region[0].components(separatedBy: "BEGIN SOLUTION:").last?.trimmingCharacters(in: .whitespaces) ?? "an exercise"
                    regions.append(Region(what: what, stub: stub))
                    fixed.append([])
                    inside = nil
                } else {
                    inside = region
                }
            } else if line.trimmingCharacters(in: .whitespaces).hasPrefix("// BEGIN SOLUTION") {
                inside = [line]
            } else {
                fixed[fixed.count - 1].append(line)
            }
        }
    }

    /// The exercise file: every region a stub.
    func stubbed() -> String {
        assemble(regions.map { [$0.stub] })
    }

    private func assemble(_ bodies: [[String]], header: Bool = true) -> String {
        var lines = header ? [self.header] : []
        for (index, body) in bodies.enumerated() {
            lines += fixed[index] + body
        }
        lines += fixed[bodies.count]
        return lines.joined(separator: "\n")
    }

    private static func same(_ a: String, _ b: String) -> Bool {
        a.trimmingCharacters(in: .whitespaces) == b.trimmingCharacters(in: .whitespaces)
    }

    /// The first line where `lines` stop following `block`.
    private static func firstDifference(_ block: [String], _ lines: [String]) -> Int {
        Array(zip(block, lines)).firstIndex { !same($0, $1) } ?? min(block.count, lines.count)
    }

    private static func matches(_ block: [String], in lines: [String], at start: Int) -> Bool {
        guard start >= 0, start + block.count <= lines.count else { return false }
        for (k, line) in block.enumerated() where !same(line, lines[start + k]) { return false }
        return true
    }

    /// The submitted text's regions in the course's file. Lines outside the regions must be the
    /// course's (spaces aside); otherwise every region of the file keeps its stub.
    func splice(_ submitted: String, name: String) -> (text: String, notes: [String]) {
        var lines = submitted.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n")
        var offset = 0  // lines before lines[0] in the student's file
        let hasHeader = lines.first.map { Self.same($0, header) } ?? false
        if hasHeader { lines.removeFirst(); offset = 1 }
        func trimmedEnd(_ block: [String]) -> [String] {
            var block = block
            while let last = block.last, last.trimmingCharacters(in: .whitespaces).isEmpty { block.removeLast() }
            return block
        }
        lines = trimmedEnd(lines)
        let tail = trimmedEnd(fixed[fixed.count - 1])

        func changed(_ index: Int, _ expected: String) -> (text: String, notes: [String]) {
            (stubbed(), ["\(name):\(index + offset + 1): this line of the course's code was changed or removed (expected `\(expected.trimmingCharacters(in: .whitespaces))`); only the lines that replace an unimplemented(...) stub are yours, so every exercise of this file was graded as not written."])
        }

        if regions.isEmpty {
            // Provided code: taken from the course whatever was submitted.
            guard Self.matches(tail, in: lines, at: 0), lines.count == tail.count else {
                let k = Self.firstDifference(tail, lines)
                return (stubbed(), ["\(name):\(k + offset + 1): this file has no exercise; the course's own copy was used (your changes to it were not)."])
            }
            return (stubbed(), [])
        }
        guard Self.matches(fixed[0], in: lines, at: 0) else {
            let k = Self.firstDifference(fixed[0], lines)
            return changed(k, k < fixed[0].count ? fixed[0][k] : "")
        }
        var position = fixed[0].count
        var bodies: [[String]] = []
        var notes: [String] = []
        for (index, region) in regions.enumerated() {
            let isLast = index == regions.count - 1
            let next = isLast ? tail : fixed[index + 1]
            var end: Int?
            if isLast {
                let start = lines.count - next.count
                if start >= position, Self.matches(next, in: lines, at: start) { end = start }
            } else {
                // The first place the course's next lines follow where the region before it is
                // balanced (the same lines may appear inside the student's own code).
                var first: Int?
                var q = position
                while q + next.count <= lines.count {
                    if Self.matches(next, in: lines, at: q) {
                        if first == nil { first = q }
                        if RegionScan.staysInside(lines[position..<q].joined(separator: "\n")) {
                            end = q
                            break
                        }
                    }
                    q += 1
                }
                if end == nil { end = first }
            }
            guard let found = end else {
                let expected = next.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
                return (stubbed(), ["\(name): the course's code after your \(region.what) (`\(expected.trimmingCharacters(in: .whitespaces))`) is missing or was changed; only the lines that replace an unimplemented(...) stub are yours, so every exercise of this file was graded as not written."])
            }
            let body = Array(lines[position..<found])
            let firstLine = position + offset + 1
            let findings = RegionScan.findings(body.joined(separator: "\n"), firstLine: firstLine)
            if let finding = findings.first {
                bodies.append([region.stub])
                notes.append("\(name):\(finding.line): \(finding.message); your \(region.what) was not graded (its tests score 0).")
            } else if body.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                bodies.append([region.stub])
            } else {
                bodies.append(body)
            }
            position = found + next.count
        }
        return (assemble(bodies, header: hasHeader), notes)
    }
}
