// Talks to the gnuplot program through a pipe, the way gnuplot-iostream does in C++: the
// script and its data go to gnuplot's standard input, the picture comes back as a file (PNG
// through the pngcairo terminal) or as text (the dumb terminal, for walkthroughs).

import Foundation

public enum GnuplotError: Error, CustomStringConvertible, Equatable {
    /// The gnuplot program is not on PATH.
    case notInstalled
    /// gnuplot ran but reported an error; `message` is what it printed.
    case failed(status: Int32, message: String)

    public var description: String {
        switch self {
        case .notInstalled:
            return "gnuplot not found on PATH. Install it with: sudo apt-get install gnuplot-nox (or run 'make setup')"
        case .failed(let status, let message):
            return "gnuplot failed (exit status \(status)): \(message)"
        }
    }
}

public enum Gnuplot {
    /// The gnuplot executable, found on PATH (GNUPLOT overrides).
    public static var executable: String? {
        let env = ProcessInfo.processInfo.environment
        if let explicit = env["GNUPLOT"], !explicit.isEmpty { return explicit }
        for dir in (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/gnuplot"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    public static var isAvailable: Bool { executable != nil }

    /// Runs a gnuplot script and returns what gnuplot wrote to standard output.
    @discardableResult
    public static func run(script: String) throws -> String {
        guard let path = executable else { throw GnuplotError.notInstalled }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read both outputs on their own threads so a chatty gnuplot cannot fill a pipe and stall.
        let outData = Collected(), errData = Collected()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { outData.data = output.fileHandleForReading.readDataToEndOfFile() }
        DispatchQueue.global().async(group: group) { errData.data = errors.fileHandleForReading.readDataToEndOfFile() }
        input.fileHandleForWriting.write(Data(script.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        let err = String(decoding: errData.data, as: UTF8.self)
        // gnuplot exits 0 after some errors in a script; its messages always name a line.
        if process.terminationStatus != 0 || err.contains("line ") && err.lowercased().contains("error") {
            throw GnuplotError.failed(status: process.terminationStatus, message: err.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return String(decoding: outData.data, as: UTF8.self)
    }
}

/// What one reader thread collected; read only after the group has finished.
private final class Collected: @unchecked Sendable {
    var data = Data()
}
