// The per-epoch table a training run prints, one row per epoch:
//
//   epoch | loss   | acc    | val loss | val acc | lr      | seconds | tokens/s
//   ------+--------+--------+----------+---------+---------+---------+---------
//       1 | 0.5123 | 74.10% |   0.3901 |  83.24% | 1.0e-03 |    88.1 |   61,204  *
//
// A star marks the epoch whose checkpoint is the best so far.

import Foundation

public enum EpochTable {
    public static let header = "epoch | loss   | acc    | val loss | val acc | lr      | seconds | tokens/s"
    public static let rule   = "------+--------+--------+----------+---------+---------+---------+---------"

    public static func row(_ r: EpochRecord) -> String {
        let rate = grouped(Int(r.tokensPerSecond.rounded()))
        return String(format: "%5d | %6.4f | %5.2f%% | %8.4f | %6.2f%% | %7.1e | %7.1f | ",
                      r.epoch, r.trainLoss, 100 * r.trainAccuracy, r.validationLoss, 100 * r.validationAccuracy,
                      r.learningRate, r.seconds)
            + String(repeating: " ", count: max(0, 8 - rate.count)) + rate + (r.isBest ? "  *" : "")
    }

    /// 61204 -> "61,204".
    public static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + out
    }
}
