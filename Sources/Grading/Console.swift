// Terminal output: colour only on a terminal (and never with NO_COLOR), a live progress line
// that rewrites itself on a terminal and stays silent in logs, and plain tables.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public final class Console: @unchecked Sendable {
    public let isTerminal: Bool
    public let useColor: Bool
    private var progressShown = false

    public init() {
        isTerminal = isatty(STDOUT_FILENO) == 1
        useColor = isTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }

    private func paint(_ s: String, _ code: String) -> String { useColor ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    public func bold(_ s: String) -> String { paint(s, "1") }
    public func dim(_ s: String) -> String { paint(s, "2") }
    public func green(_ s: String) -> String { paint(s, "32") }
    public func red(_ s: String) -> String { paint(s, "31") }
    public func yellow(_ s: String) -> String { paint(s, "33") }

    public func tag(_ status: TestStatus) -> String {
        switch status {
        case .passed: return green(status.tag)
        case .unimplemented: return yellow(status.tag)
        default: return red(status.tag)
        }
    }

    public func print(_ s: String = "") {
        clearProgress()
        Swift.print(s)
        fflush(stdout)
    }

    /// A one-line status that the next one replaces (terminal only).
    public func progress(_ s: String) {
        guard isTerminal else { return }
        let line = s.count > 100 ? String(s.prefix(97)) + "..." : s
        Swift.print("\r\u{1B}[K" + dim(line), terminator: "")
        fflush(stdout)
        progressShown = true
    }

    public func clearProgress() {
        guard progressShown else { return }
        Swift.print("\r\u{1B}[K", terminator: "")
        progressShown = false
    }
}

/// Text padded to `width` display columns.
func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}

/// "2", "1.5": points without a useless ".0".
public func formatPoints(_ p: Double) -> String {
    p == p.rounded() ? String(Int(p)) : String(format: "%g", p)
}

/// `text` indented by `indent` on every line.
func indented(_ text: String, _ indent: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { indent + $0 }.joined(separator: "\n")
}
