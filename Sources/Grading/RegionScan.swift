// What a student may write in a solution region: the body of one exercise, nothing that reaches
// outside it. The autograder splices each region into the course's own file (SubmissionSplice),
// so imports, declarations and attributes outside the regions are the course's; this scan
// refuses, inside a region, what no exercise needs:
//   - text that does not stay inside the region: a `}`, `)` or `]` closing something opened
//     before it, or a string or comment left open;
//   - `import`, `extension`, `protocol`, `operator`, `precedencegroup`, `macro`;
//   - attributes other than the everyday ones (`@_cdecl`, `@_silgen_name`, `@_extern`,
//     `@convention`...), compiler directives (`#if`, `#sourceLocation`...), regex literals;
//   - names that exit, spawn, signal, load code or touch files and the environment
//     (`exit`, `fork`, `system`, `dlopen`, `Process`, `FileManager`, `URL`...), unsafe pointers
//     and bit casts, underscored runtime entry points, XCTest, and the fixtures.
// Unsafe pointers are refused outright, buffer pointers too: an UnsafeBufferPointer's subscript
// is not bounds-checked in release builds, so `p[p.count + 100]` reads memory the exercise does
// not own (the grading record's secret among it). Exercises use the tensor operations of
// Sources/TensorCore, which are fast without handing out pointers.
// Region files import TensorCore and the earlier lessons only (RegionAudit checks the course's
// own files); what needs files or formatting lives in provided files (Lesson 2's
// VocabularyFile.swift, Lesson 6's ClassificationReport.swift). Swift lets members of any
// module loaded (Foundation's `String(contentsOf:)`) be reached without an import: the names
// above are what those could reach; the sandbox and the grading record stand behind the scan.

import Foundation

public struct RegionFinding: Equatable, Sendable, CustomStringConvertible {
    /// 1-based line in the student's file.
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

public enum RegionScan {
    /// Findings for one region's text, whose first line is line `firstLine` of its file.
    public static func findings(_ text: String, firstLine: Int) -> [RegionFinding] {
        var scanner = Scanner(Array(text.unicodeScalars), line: firstLine)
        scanner.scanCode(insideInterpolation: false)
        if let open = scanner.brackets.last {
            scanner.report(open.line, "`\(open.char)` is not closed inside your code")
        }
        return scanner.findings
    }

    /// Whether the text's brackets, strings and comments open and close inside it.
    static func staysInside(_ text: String) -> Bool {
        var scanner = Scanner(Array(text.unicodeScalars), line: 1)
        scanner.scanCode(insideInterpolation: false)
        return !scanner.leaks && scanner.brackets.isEmpty
    }

    static let forbiddenKeywords: Set<String> = ["import", "extension", "protocol", "operator", "precedencegroup", "macro"]

    static let allowedAttributes: Set<String> = ["escaping", "autoclosure", "Sendable", "discardableResult", "inline", "unknown", "MainActor", "unchecked"]

    static let allowedDirectives: Set<String> = ["file", "fileID", "filePath", "line", "column", "function", "available", "unavailable"]

    /// Names no exercise needs that reach outside the test: the process, other programs, files,
    /// memory, the loader, the environment, the test harness.
    static let forbiddenNames: Set<String> = [
        // ending or replacing the process, other programs, signals
        "exit", "atexit", "abort", "quick_exit", "at_quick_exit", "fork", "vfork", "system", "popen", "pclose",
        "execv", "execve", "execvp", "execvpe", "execl", "execlp", "execle", "fexecve", "posix_spawn", "posix_spawnp",
        "kill", "killpg", "raise", "signal", "sigaction", "setsid", "setpgid", "setpgrp", "ptrace", "prctl", "syscall",
        "Process", "ProcessInfo", "Thread", "NSTask", "CommandLine", "pthread_create",
        // loading code, calling through addresses
        "dlopen", "dlsym", "dlvsym", "dlclose", "dlerror", "OpaquePointer", "Unmanaged", "Builtin",
        "unsafeBitCast", "unsafeDowncast", "MemoryLayout",
        // files, descriptors, the environment
        "FileManager", "FileHandle", "Pipe", "Bundle", "URL", "NSURL", "URLSession", "URLRequest", "Data", "NSData",
        "NSString", "InputStream", "OutputStream", "Stream", "DispatchIO", "DispatchSource", "DispatchData",
        "fopen", "fdopen", "freopen", "open", "openat", "creat", "read", "write", "pread", "pwrite", "close",
        "fwrite", "fputs", "fputc", "fprintf", "fflush", "stdout", "stderr", "stdin",
        "unlink", "unlinkat", "remove", "rename", "renameat", "truncate", "ftruncate", "chmod", "fchmod", "chown",
        "link", "symlink", "mkdir", "rmdir", "chdir", "dup", "dup2", "dup3", "mmap", "mprotect", "ioctl", "fcntl",
        "getenv", "setenv", "unsetenv", "putenv", "environ", "environment",
        "contentsOfFile", "contentsOfURL", "toFile", "atPath", "fileURLWithPath", "fileDescriptor", "atomically",
        // the modules that hold the above, used as qualifiers (Foundation.exit)
        "Foundation", "Glibc", "Darwin", "Dispatch", "XCTest", "CourseTesting", "CourseData", "Training",
        // the expected answers and where they are
        "Fixture", "loadFixture", "courseRoot", "COURSE_ROOT",
    ]

    /// Provided code that computes what an exercise asks for: the fast LSTM kernel and its bridge
    /// (Lesson 4's FastKernel.swift), the training step's kernels and theirs (Lesson 5's
    /// FastTrainingStep.swift and AdversarialTraining.swift), the fast skip-gram trainer (Lesson 7). The tests compare your code
    /// with them, so calling them from an exercise would pass the tests without the exercise being done.
    static let providedAnswers: Set<String> = [
        "LSTMKernels", "FusedLSTMLayer", "FusedLSTMStack", "LSTMWeights", "FastLSTMCache",
        "fused", "fastForward", "fastBackward", "kernelWeights", "kernel",
        "FusedAdam", "FusedDropout", "FusedEmbedding", "FusedPooling",
        "fastStep", "fastDropout", "fastPooling", "fastPoolingBackward", "fusedStatistics",
        // the adversarial step (Lesson 5's AdversarialTraining.swift) runs the model on those kernels
        "fastBackwardToInput", "lossAndInputGradient", "adversarialLossAndGradients",
        // Lesson 7's skip-gram trainer, whose step the tests compare with your gradient
        "Word2VecKernels", "SkipGramKernel", "SkipGramTrainer",
        // and its language-model pretraining, whose sampled softmax they compare with yours
        "LanguageModelKernels", "SampledSoftmaxKernel", "LanguageModelTrainer",
    ]

    /// What only pointers have: reading past a buffer, at an address, or as other types.
    static let pointerMembers: Set<String> = [
        "baseAddress", "pointee", "bindMemory", "assumingMemoryBound", "withMemoryRebound", "bitPattern",
        "load", "loadUnaligned", "storeBytes", "advanced", "successor", "predecessor", "allocate", "deallocate",
        "rebasing", "moveInitialize", "moveUpdate", "initializeMemory", "withUnsafeBytes", "withUnsafeMutableBytes",
    ]

    /// Labels that are fine for collections but read files for String and Data.
    static let collectionOnlyLabels: Set<String> = ["contentsOf"]
    static let collectionMethods: Set<String> = ["append", "insert", "replaceSubrange", "elementsEqual", "starts"]

    static func nameProblem(_ name: String) -> String? {
        if forbiddenKeywords.contains(name) { return "`\(name)` is not allowed in an exercise" }
        if forbiddenNames.contains(name) {
            return "`\(name)` is not allowed in an exercise (the grader refuses names that reach outside the test; if it is a name of your own, rename it)"
        }
        if providedAnswers.contains(name) {
            return "`\(name)` is the provided fast kernel, which the tests compare your code with: an exercise needs your own code (if it is a name of your own, rename it)"
        }
        if name.lowercased().contains("unsafe") {
            return "`\(name)`: unsafe pointers are not allowed in an exercise (an unsafe buffer is not bounds-checked in release builds, so it can read memory that is not yours); use the tensor operations instead"
        }
        if pointerMembers.contains(name) {
            return "`\(name)`: pointer access is not allowed in an exercise; use the tensor operations instead"
        }
        if name.hasPrefix("XCT") { return "`\(name)`: XCTest is not available to lesson code" }
        if name.count > 1, name.hasPrefix("_"), name != "__always" { return "`\(name)`: underscored names are not allowed in an exercise" }
        if name.hasPrefix("posix_") || name.hasPrefix("pthread_") { return "`\(name)` is not allowed in an exercise" }
        return nil
    }

    struct Scanner {
        let s: [Unicode.Scalar]
        var i = 0
        var line: Int
        var findings: [RegionFinding] = []
        var brackets: [(char: Character, line: Int)] = []
        /// Something closed what it did not open, or a string or comment stayed open.
        var leaks = false
        /// The last two identifiers or punctuation seen (for `append(contentsOf:`).
        var recent: [String] = []

        init(_ s: [Unicode.Scalar], line: Int) { self.s = s; self.line = line }

        mutating func report(_ line: Int, _ message: String) {
            if !findings.contains(RegionFinding(line: line, message: message)) {
                findings.append(RegionFinding(line: line, message: message))
            }
        }

        func peek(_ offset: Int = 0) -> Unicode.Scalar? { i + offset < s.count ? s[i + offset] : nil }

        static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
            c == "_" || CharacterSet.letters.contains(c)
        }
        static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
            isIdentifierStart(c) || CharacterSet.decimalDigits.contains(c) || CharacterSet.nonBaseCharacters.contains(c)
        }

        mutating func readIdentifier() -> String {
            var name = ""
            while let c = peek(), Self.isIdentifierPart(c) { name.unicodeScalars.append(c); i += 1 }
            return name
        }

        mutating func note(_ token: String) {
            recent.append(token)
            if recent.count > 3 { recent.removeFirst() }
        }

        /// Code until the end (or, inside `\(...)`, until its closing parenthesis).
        mutating func scanCode(insideInterpolation: Bool) {
            let base = brackets.count
            while let c = peek() {
                switch c {
                case "\n":
                    line += 1; i += 1
                case "/" where peek(1) == "/":
                    while let d = peek(), d != "\n" { i += 1 }
                case "/" where peek(1) == "*":
                    skipBlockComment()
                case "\"":
                    scanString(hashes: 0)
                    note("\"")
                case "#":
                    var hashes = 0
                    while peek(hashes) == "#" { hashes += 1 }
                    if peek(hashes) == "\"" {
                        i += hashes
                        scanString(hashes: hashes)
                        note("\"")
                    } else if peek(hashes) == "/" {
                        report(line, "regex literals are not allowed in an exercise")
                        i += hashes + 1
                    } else {
                        i += 1
                        let name = readIdentifier()
                        if !RegionScan.allowedDirectives.contains(name) {
                            report(line, "`#\(name)` is not allowed in an exercise")
                        }
                    }
                case "@":
                    i += 1
                    let name = readIdentifier()
                    if !RegionScan.allowedAttributes.contains(name) {
                        report(line, "the attribute `@\(name)` is not allowed in an exercise")
                    }
                case "`":
                    i += 1
                    let name = readIdentifier()
                    if peek() == "`" { i += 1 }
                    check(name)
                case "(", "[", "{":
                    brackets.append((Character(c), line))
                    note(String(c)); i += 1
                case ")", "]", "}":
                    if insideInterpolation, c == ")", brackets.count == base {
                        i += 1
                        return
                    }
                    let expected: Character = c == ")" ? "(" : c == "]" ? "[" : "{"
                    if brackets.count > base, brackets.last?.char == expected {
                        brackets.removeLast()
                    } else if brackets.count > base, let open = brackets.last {
                        report(line, "`\(c)` does not match the `\(open.char)` opened on line \(open.line)")
                        leaks = true
                        brackets.removeLast()
                    } else {
                        report(line, "`\(c)` closes something opened before your code; an exercise's code must stay inside its region")
                        leaks = true
                    }
                    note(String(c)); i += 1
                default:
                    if Self.isIdentifierStart(c) {
                        let name = readIdentifier()
                        check(name)
                        note(name)
                    } else if c == "$" {
                        i += 1
                        _ = readIdentifier()
                    } else {
                        if c != " " && c != "\t" && c != "\r" { note(String(c)) }
                        i += 1
                    }
                }
            }
            if insideInterpolation { report(line, "a string interpolation `\\(` is not closed"); leaks = true }
        }

        mutating func check(_ name: String) {
            if let problem = RegionScan.nameProblem(name) {
                report(line, problem)
            } else if RegionScan.collectionOnlyLabels.contains(name),
                      !(recent.count >= 2 && recent[recent.count - 1] == "(" && RegionScan.collectionMethods.contains(recent[recent.count - 2])) {
                report(line, "`\(name):` is allowed only in append(contentsOf:) and insert(contentsOf:at:) (elsewhere it reads files)")
            }
        }

        mutating func skipBlockComment() {
            let start = line
            var depth = 0
            while let c = peek() {
                if c == "/" && peek(1) == "*" { depth += 1; i += 2; continue }
                if c == "*" && peek(1) == "/" { depth -= 1; i += 2; if depth == 0 { return }; continue }
                if c == "\n" { line += 1 }
                i += 1
            }
            report(start, "a /* comment is not closed inside your code")
            leaks = true
        }

        /// A string literal starting at `"` (after `hashes` #s): "..." or """...""", with escapes
        /// and interpolations (code, scanned as such).
        mutating func scanString(hashes: Int) {
            let start = line
            let multiline = peek(1) == "\"" && peek(2) == "\""
            i += multiline ? 3 : 1
            while let c = peek() {
                if c == "\\" {
                    var h = 0
                    while h < hashes, peek(1 + h) == "#" { h += 1 }
                    if h == hashes {
                        i += 1 + hashes
                        if peek() == "(" {
                            i += 1
                            scanCode(insideInterpolation: true)
                        } else {
                            if peek() == "\n" { line += 1 }
                            i += 1
                        }
                        continue
                    }
                }
                if c == "\"" {
                    let quotes = multiline ? 3 : 1
                    var closes = true
                    for k in 0..<quotes where peek(k) != "\"" { closes = false }
                    for k in 0..<hashes where peek(quotes + k) != "#" { closes = false }
                    if closes { i += quotes + hashes; return }
                }
                if c == "\n" {
                    if !multiline { report(start, "a string is not closed on its line"); leaks = true; line += 1; i += 1; return }
                    line += 1
                }
                i += 1
            }
            report(start, "a string is not closed inside your code")
            leaks = true
        }
    }
}
