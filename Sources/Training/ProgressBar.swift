// The bar drawn during an epoch, on standard error so standard output keeps only the table:
//   epoch 2  [#########...........]  180/391  loss 0.3120  acc 0.871  61.2k tok/s  eta 0:42
// On a terminal it redraws one line (\r); in a log file it writes a line every 10%.

import Foundation

public struct ProgressBar {
    public let total: Int
    public let label: String
    public var width = 24
    private let interactive: Bool
    private var lastDrawn = -1
    private var lastDrawTime = 0.0
    private let start = Date()

    public init(total: Int, label: String) {
        self.total = max(total, 1)
        self.label = label
        interactive = isatty(fileno(stderr)) != 0
    }

    /// The bar's text for `done` steps (no drawing), for tests and logs.
    public func line(done: Int, info: String) -> String {
        let filled = min(width, done * width / total)
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let elapsed = Date().timeIntervalSince(start)
        let eta = done > 0 ? elapsed / Double(done) * Double(total - done) : 0
        return "\(label)  [\(bar)]  \(done)/\(total)  \(info)  eta \(ProgressBar.clock(eta))"
    }

    public mutating func update(done: Int, info: String) {
        let now = Date().timeIntervalSinceReferenceDate
        if interactive {
            guard done == total || now - lastDrawTime > 0.2 else { return }
            lastDrawTime = now
            FileHandle.standardError.write(Data(("\r" + line(done: done, info: info) + "\u{1B}[K").utf8))
        } else {
            let decile = done * 10 / total
            guard decile != lastDrawn, done > 0 else { return }
            lastDrawn = decile
            FileHandle.standardError.write(Data((line(done: done, info: info) + "\n").utf8))
        }
    }

    /// Clears the bar's line (before the table row is printed).
    public func finish() {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    /// 83 seconds -> "1:23", 3700 -> "1:01:40".
    public static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                         : String(format: "%d:%02d", s / 60, s % 60)
    }
}
