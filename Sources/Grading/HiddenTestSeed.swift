// The seed hidden tests draw their shapes and values from. `course grade` sets a fresh one for
// every grading run, so a submission cannot be fitted to one draw; the test processes inherit
// it, and a failing hidden test names it, so an instructor can repeat that exact run with
// COURSE_HIDDEN_SEED=<seed> make grade.

import Foundation

public enum HiddenTestSeed {
    public static let variable = "COURSE_HIDDEN_SEED"

    /// Sets a fresh seed in this process's environment (inherited by the tests it starts)
    /// unless one is set already; returns the seed in force.
    @discardableResult
    public static func prepareForGrading() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment[variable], let seed = UInt64(text) { return seed }
        let seed = UInt64.random(in: 1 ... .max)
        setenv(variable, String(seed), 1)
        return seed
    }
}
