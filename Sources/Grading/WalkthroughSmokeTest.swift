// `make test`, section 4: every walkthrough (`make lessonN`, Lessons/LessonN) runs in smoke mode
// (`--smoke`: tiny data and models, every section once) from the debug build that section 1
// made, and must exit 0 and leave its charts and metrics in its output folder: each file below
// present and non-empty, each JSON file parseable. On the exercises track each must stop at the
// first unwritten exercise with the course's message (exit status 86), not crash on the way.

import Foundation

struct WalkthroughSmokeTest {
    var workspace: Workspace
    var jobs: Int
    /// Seconds a smoke run may take on the solutions track (the slowest takes about a minute).
    var timeLimit: Double = 600

    /// A file a smoke run must write; `needs`: only when that data set is on this machine.
    struct ExpectedFile {
        var name: String
        var needs: [SharedData] = []
        init(_ name: String, needs: [SharedData] = []) {
            self.name = name
            self.needs = needs
        }
    }

    /// The optional data sets of ../shared/data a walkthrough draws more charts with.
    enum SharedData: String {
        case imdb = "IMDB", amazonSample = "the Amazon sample", glove = "GloVe"
        /// Any one of these, in the shared data folder, means the data set is there (as CourseData finds it).
        var paths: [String] {
            switch self {
            case .imdb: return ["imdb/aclImdb/train", "imdb/aclImdb.tar.gz", "imdb/aclImdb_v1.tar.gz"]
            case .amazonSample: return ["amazon/test-head-5000.ft.txt"]
            case .glove: return ["glove/glove.6B.50d.txt.gz"]
            }
        }
    }

    static let expectedFiles: [Int: [ExpectedFile]] = [
        1: [.init("learning_curve.png"), .init("metrics.json")],
        2: [.init("class_balance.png"), .init("lengths.png"), .init("top_words.png"), .init("padding_share.png"),
            .init("vocabulary.json"), .init("summary.json"),
            .init("lengths_amazon.png", needs: [.amazonSample]), .init("top_words_amazon.png", needs: [.amazonSample]),
            .init("glove_pca.png", needs: [.glove]), .init("glove_pca3.csv", needs: [.glove])],
        3: [.init("gates.png"), .init("gradcheck.json")],
        4: [.init("padding_bug.png"), .init("vanishing_gradients.png"), .init("padding_bug.tsv"),
            .init("padding_bug_training.tsv"), .init("vanishing_gradients.tsv")],
        5: [.init("loss.png"), .init("accuracy.png"), .init("gradient_norm.png"), .init("confusion.png"), .init("roc.png"),
            .init("pr.png"), .init("metrics.json"), .init("vocabulary.json"), .init("best.ckpt"), .init("last.ckpt")],
        6: [.init("roc.png"), .init("pr.png"), .init("confusion.png"), .init("reliability.png"), .init("error_by_length.png"),
            .init("error_by_rating.png", needs: [.amazonSample, .imdb]),
            .init("ablations.png"), .init("attention_right.png"), .init("attention_wrong.png"), .init("lr_batch_sweep.png"),
            .init("lr_batch_sweep_grid.png"), .init("lstm_domains.png"), .init("time_per_token.png"),
            .init("accuracy_by_length.png"), .init("long_range_probe.png"), .init("deploy/model-float32.ckpt"),
            .init("deploy/model-int8.bin"), .init("metrics.json")],
        7: [.init("vectors_pca.png"), .init("vectors_pca3d.png"), .init("vectors.vec"), .init("skipgram.ckpt"),
            .init("training.json"), .init("metrics.json"), .init("sentiment-ours/metrics.json")],
    ]

    /// One smoke run to make: a lesson on a track.
    private struct Job {
        var lesson: Int
        var track: Track
        var name: String { "Lesson \(lesson) walkthrough (\(track.rawValue) track, --smoke)" }
    }

    /// Runs the smoke runs of `lessons` on each track in `tracks` (the tracks whose every target
    /// built), `jobs` at a time; `record` gets each verdict (called serially).
    func run(lessons: [Int], tracks: [Track], record: (_ name: String, _ ok: Bool, _ why: String, _ seconds: Double) -> Void) {
        let withWalkthrough = lessons.filter {
            FileManager.default.fileExists(atPath: "\(workspace.root)/Lessons/Lesson\($0)/main.swift")
        }
        // Later lessons first: they take longest (Lesson 6 about a minute), the others fill in beside them.
        let work = tracks.flatMap { track in withWalkthrough.reversed().map { Job(lesson: $0, track: track) } }
        let folder = NSTemporaryDirectory() + "course-selftest-walkthroughs-\(getpid())"
        try? FileManager.default.removeItem(atPath: folder)
        let lock = NSLock()
        var next = 0
        var allPassed = true
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(work.count, 1))) { _ in
            while true {
                lock.lock()
                let index = next
                next += 1
                lock.unlock()
                guard index < work.count else { return }
                let job = work[index]
                let out = "\(folder)/lesson\(job.lesson)-\(job.track.rawValue)"
                let verdict = check(job, out: out)
                lock.lock()
                allPassed = allPassed && verdict.ok
                record(job.name, verdict.ok, verdict.ok ? "" : verdict.why + "\n(output folder: \(out))", verdict.seconds)
                lock.unlock()
            }
        }
        // Kept when something failed, to look at.
        if allPassed { try? FileManager.default.removeItem(atPath: folder) }
    }

    private func check(_ job: Job, out: String) -> (ok: Bool, why: String, seconds: Double) {
        let spec = BuildSpec.track(job.track)
        let executable = "\(workspace.root)/\(spec.scratchPath)/debug/Lesson\(job.lesson)Walkthrough"
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in spec.environment { environment[key] = value }
        environment["COURSE_ROOT"] = workspace.root
        // Two walkthroughs run at once on two cores: BLAS threads of their own would only contend.
        environment["OPENBLAS_NUM_THREADS"] = "1"
        let stubs = job.track == .exercises
        let process = Subprocess(executable, ["--smoke", "--out", out], environment: environment,
                                 workingDirectory: workspace.root, timeLimit: stubs ? 120 : timeLimit)
        let result: ProcessResult
        do {
            result = try process.run()
        } catch {
            return (false, "could not run \(executable): \(error)", 0)
        }
        let tail = rewritePaths(lastLines(result.output, 30), root: workspace.root)
        if stubs {
            let stopped = result.termination == .exited(stubExitStatus) && result.output.contains("is not written yet")
            return (stopped, "it must stop at the first unwritten exercise with the course's message (exit status \(stubExitStatus)); "
                    + "it ended with \(result.termination):\n\(tail)", result.seconds)
        }
        guard result.termination == .exited(0) else {
            return (false, "it ended with \(result.termination):\n\(tail)", result.seconds)
        }
        let problems = (Self.expectedFiles[job.lesson] ?? []).compactMap { problem($0, in: out) }
        return (problems.isEmpty, problems.joined(separator: "\n") + "\n\(tail)", result.seconds)
    }

    /// What is wrong with `expected` in folder `out`, or nil when it is fine (or not expected here).
    private func problem(_ expected: ExpectedFile, in out: String) -> String? {
        if expected.needs.contains(where: { !isPresent($0) }) { return nil }
        let path = "\(out)/\(expected.name)"
        guard let data = FileManager.default.contents(atPath: path) else { return "\(expected.name) was not written" }
        guard !data.isEmpty else { return "\(expected.name) is empty" }
        if expected.name.hasSuffix(".json"), (try? JSONSerialization.jsonObject(with: data)) == nil {
            return "\(expected.name) is not valid JSON"
        }
        return nil
    }

    /// Whether a data set is in the shared data folder ($COURSE_DATA, else ../shared/data beside
    /// the checkout: the rule of CourseData's DataPaths.shared).
    private func isPresent(_ data: SharedData) -> Bool {
        let environment = ProcessInfo.processInfo.environment
        let folder = environment["COURSE_DATA"].flatMap { $0.isEmpty ? nil : $0 }
            ?? URL(fileURLWithPath: workspace.root).deletingLastPathComponent().appendingPathComponent("shared/data").path
        return data.paths.contains { FileManager.default.fileExists(atPath: "\(folder)/\($0)") }
    }
}

private func lastLines(_ s: String, _ n: Int) -> String {
    s.split(separator: "\n", omittingEmptySubsequences: false).suffix(n).joined(separator: "\n")
}
