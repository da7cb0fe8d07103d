import Foundation
import TensorCore
import XCTest

final class NativeBLASKernelsTests: XCTestCase {
    // Flags of the machines this course runs on (trimmed to the ones that matter).
    let emeraldRapids: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl"]
    let zen3: Set<String> = ["sse3", "avx", "avx2", "fma"]
    let noAVX2: Set<String> = ["sse3", "avx"]
    // AVX-512 without the byte/word instructions (a Xeon Phi): not SkylakeX's kernels.
    let knightsLanding: Set<String> = ["avx2", "fma", "avx512f", "avx512cd"]

    func testFamily_followsTheMakefilesRule() {
        XCTAssertEqual(NativeBLASKernels.family(cpuFlags: emeraldRapids), "SkylakeX")
        XCTAssertEqual(NativeBLASKernels.family(cpuFlags: zen3), "Haswell")
        XCTAssertEqual(NativeBLASKernels.family(cpuFlags: knightsLanding), "Haswell")
        XCTAssertNil(NativeBLASKernels.family(cpuFlags: noAVX2))
        XCTAssertNil(NativeBLASKernels.family(cpuFlags: []))
    }

    func testRelaunch_whenOpenBLASFellBackToOlderKernels() {
        XCTAssertEqual(NativeBLASKernels.relaunchFamily(environment: [:], chosen: "Prescott", cpuFlags: emeraldRapids), "SkylakeX")
        // AMD's Zen 4 has AVX-512; OpenBLAS 0.3.21 calls it Zen, make asks for SkylakeX.
        XCTAssertEqual(NativeBLASKernels.relaunchFamily(environment: [:], chosen: "Zen", cpuFlags: emeraldRapids), "SkylakeX")
        XCTAssertEqual(NativeBLASKernels.relaunchFamily(environment: [:], chosen: "Prescott", cpuFlags: zen3), "Haswell")
    }

    func testNoRelaunch_whenTheUserChoseOrOpenBLASAlreadyAgrees() {
        // A user's OPENBLAS_CORETYPE wins, even an old family; so does an empty one (set means chosen).
        XCTAssertNil(NativeBLASKernels.relaunchFamily(environment: ["OPENBLAS_CORETYPE": "Prescott"], chosen: "Prescott", cpuFlags: emeraldRapids))
        XCTAssertNil(NativeBLASKernels.relaunchFamily(environment: ["OPENBLAS_CORETYPE": ""], chosen: "Prescott", cpuFlags: emeraldRapids))
        // The names OpenBLAS prints and the ones it reads differ in case only.
        XCTAssertNil(NativeBLASKernels.relaunchFamily(environment: [:], chosen: "SKYLAKEX", cpuFlags: emeraldRapids))
        XCTAssertNil(NativeBLASKernels.relaunchFamily(environment: [:], chosen: "Haswell", cpuFlags: zen3))
        // Nothing better to ask for: OpenBLAS's own choice stands.
        XCTAssertNil(NativeBLASKernels.relaunchFamily(environment: [:], chosen: "Prescott", cpuFlags: noAVX2))
    }

    // make asks Tools/openblas-coretype.sh, a program started by hand asks `family`: on this
    // machine both must name the same kernels, or the two ways of running would round differently.
    func testFamily_agreesWithTheMakefilesScriptOnThisMachine() throws {
        try XCTSkipIf(!FileManager.default.fileExists(atPath: "/proc/cpuinfo"), "no /proc/cpuinfo here")
        let script = Process()
        script.executableURL = URL(fileURLWithPath: "/bin/sh")
        script.arguments = ["\(courseRoot)/Tools/openblas-coretype.sh"]
        let output = Pipe()
        script.standardOutput = output
        try script.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        script.waitUntilExit()
        XCTAssertEqual(script.terminationStatus, 0)
        let fromScript = printed.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(NativeBLASKernels.family(cpuFlags: NativeBLASKernels.cpuFlags()) ?? "", fromScript,
                       "Tools/openblas-coretype.sh and NativeBLASKernels.family disagree on this processor")
    }

    func testCPUFlags_readsThisMachinesFlags() throws {
        let flags = NativeBLASKernels.cpuFlags()
        try XCTSkipIf(!FileManager.default.fileExists(atPath: "/proc/cpuinfo"), "no /proc/cpuinfo here")
        XCTAssertFalse(flags.contains { $0.contains(" ") || $0.contains(":") }, "flags: \(flags.sorted().prefix(10))")
        #if arch(x86_64)
        // Every x86-64 processor has SSE2: the parser must split the line into single flags.
        XCTAssertTrue(flags.contains("sse2"), "flags read from /proc/cpuinfo: \(flags.sorted().prefix(10))")
        #endif
    }
}
