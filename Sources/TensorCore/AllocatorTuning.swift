// Keeping freed memory for reuse, for programs that allocate large tensors in a loop.
//
// glibc's malloc serves blocks above a threshold (128 KiB at first) with mmap and returns them
// to the kernel on free. A training step that makes and drops a few hundred MB of tensors then
// pays, every step, for the kernel to map and zero those pages again: about 15% of an LSTM
// step's time in the benchmark (perf: clear_page, page faults). Switching that off keeps
// the freed blocks in the process, where the next step reuses them.

#if canImport(Glibc)
import Glibc
#endif

public enum AllocatorTuning {
    /// Keep freed blocks of any size for reuse (no-op where glibc's mallopt is unavailable).
    /// Call once at the start of a program, before the large allocations.
    public static func keepFreedMemory() {
        #if canImport(Glibc)
        // mallopt is in <malloc.h>, which Swift's Glibc module does not import; look it up.
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        // M_MMAP_THRESHOLD cannot go above 32 MiB, and one LSTM cache tensor is larger, so
        // mmap is switched off altogether (M_MMAP_MAX = 0): every block comes from the heap.
        let mmapMax: Int32 = -4, trimThreshold: Int32 = -1   // M_MMAP_MAX, M_TRIM_THRESHOLD
        _ = mallopt(mmapMax, 0)
        _ = mallopt(trimThreshold, Int32.max)
        #endif
    }
}
