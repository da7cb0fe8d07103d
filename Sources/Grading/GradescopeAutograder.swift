// `make gradescope`: the autograder zip for a Gradescope programming assignment. Gradescope
// unpacks it into /autograder/source and runs setup.sh once (building the image) and
// run_autograder for every submission, both from the zip's root; Tools/gradescope/ holds them.
// The zip holds the whole course as git sees it, Solutions/ and hidden tests included: the
// grader needs the reference and the students never see the zip.

import Foundation

public struct GradescopeAutograder {
    public var workspace: Workspace

    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    /// The two scripts Gradescope looks for at the zip's root, and where they live here.
    public static let scripts = ["setup.sh": "Tools/gradescope/setup.sh", "run_autograder": "Tools/gradescope/run_autograder"]

    /// Lays the zip's contents out in `directory` (which must not exist yet); returns the
    /// number of course files.
    public func stage(into directory: String) throws -> Int {
        let fm = FileManager.default
        let files = try StudentEdition(workspace: workspace).checkoutFiles(excluding: directory)
        for relative in files {
            let destination = directory + "/" + relative
            try fm.createDirectory(atPath: URL(fileURLWithPath: destination).deletingLastPathComponent().path, withIntermediateDirectories: true)
            try fm.copyItem(atPath: workspace.root + "/" + relative, toPath: destination)
        }
        for (name, source) in Self.scripts.sorted(by: { $0.key < $1.key }) {
            guard fm.fileExists(atPath: workspace.root + "/" + source) else { throw GradingError("\(source) is missing") }
            try? fm.removeItem(atPath: directory + "/" + name)
            try fm.copyItem(atPath: workspace.root + "/" + source, toPath: directory + "/" + name)
            try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory + "/" + name)
        }
        return files.count
    }

    /// Writes the zip (replacing an older one); returns the number of course files in it.
    public func writeZip(to path: String) throws -> Int {
        let fm = FileManager.default
        let zip = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: fm.currentDirectoryPath + "/")).standardizedFileURL.path
        let staging = NSTemporaryDirectory() + "/course-gradescope-\(UUID().uuidString)"
        defer { try? fm.removeItem(atPath: staging) }
        let count = try stage(into: staging)
        try fm.createDirectory(atPath: URL(fileURLWithPath: zip).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try? fm.removeItem(atPath: zip)
        let result = try Subprocess("zip", ["-q", "-r", "-X", zip, "."], workingDirectory: staging, timeLimit: 300).run()
        guard result.termination == .exited(0) else {
            throw GradingError("zip failed (\(result.termination)); is the zip command installed (apt-get install zip)?\n\(result.output.suffix(2000))")
        }
        return count
    }
}
