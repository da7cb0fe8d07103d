// OpenBLAS's kernels for the instructions this processor has, for programs started without make.
//
// OpenBLAS chooses its kernels by the processor's model number when it loads, and Debian 12's
// OpenBLAS 0.3.21 does not know processors newer than itself: on an Intel Xeon of model 207
// (Emerald Rapids, with AVX-512) it falls back to its SSE3 kernels ("Prescott"), which trained
// Lesson 5's model 2.6 times slower and Lesson 7's language models 2.8 times. `make` sets OPENBLAS_CORETYPE from the processor's flags
// (Tools/openblas-coretype.sh). A program started by hand (`.build-solutions/release/sentiment
// train ...`) calls `relaunchIfNeeded()` first and gets the same kernels: OpenBLAS reads the
// variable only when it loads, so the program starts itself again with it set.

import Foundation

public enum NativeBLASKernels {
    /// The kernel family for a processor with these flags (the `flags` line of /proc/cpuinfo),
    /// the rule of Tools/openblas-coretype.sh; nil leaves OpenBLAS its own choice.
    public static func family(cpuFlags: Set<String>) -> String? {
        if ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(cpuFlags.contains) { return "SkylakeX" }
        if cpuFlags.contains("avx2") && cpuFlags.contains("fma") { return "Haswell" }
        return nil
    }

    /// The family to start again with, or nil to go on: a user's OPENBLAS_CORETYPE always wins,
    /// and so does OpenBLAS's own choice when it is already the family the flags call for.
    public static func relaunchFamily(environment: [String: String], chosen: String, cpuFlags: Set<String>) -> String? {
        guard environment["OPENBLAS_CORETYPE"] == nil, let wanted = family(cpuFlags: cpuFlags),
              wanted.lowercased() != chosen.lowercased() else { return nil }
        return wanted
    }

    /// This processor's flags ([] where /proc/cpuinfo cannot be read).
    public static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    /// Starts this program again, with the same arguments and OPENBLAS_CORETYPE set, when
    /// `relaunchFamily` asks for it; otherwise (or if starting again fails) it returns.
    public static func relaunchIfNeeded() {
        guard let wanted = relaunchFamily(environment: ProcessInfo.processInfo.environment,
                                          chosen: Parallel.blasKernels, cpuFlags: cpuFlags()) else { return }
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // Only a failed execv returns: go on with the kernels OpenBLAS chose.
        unsetenv("OPENBLAS_CORETYPE")
    }
}
