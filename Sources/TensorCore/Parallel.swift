// Running independent pieces of work on several cores, and OpenBLAS's own threads.
//
// OpenBLAS splits one large matrix product over all cores by itself. Two products that are
// already running side by side (the two directions of a bidirectional LSTM) do better with one
// core each and OpenBLAS single-threaded: the small per-step products then never wait on each
// other's thread pools.

import CBLAS
import Foundation

public enum Parallel {
    /// The number of threads OpenBLAS uses for one call.
    public static var blasThreads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(max(1, newValue))) }
    }

    /// The cores this process may use.
    public static var coreCount: Int { Int(openblas_get_num_procs()) }

    /// The kernel family OpenBLAS chose for this processor ("SkylakeX", "Haswell", "Zen", ...;
    /// OPENBLAS_CORETYPE overrides it): benchmarks print it, since figures from different
    /// families are not comparable.
    public static var blasKernels: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS single-threaded from here on, for programs whose heavy work runs in `map`s (the
    /// two directions of a bidirectional LSTM, the batch groups of a one-directional one). The
    /// products between two maps (pooling, the output layer) are small; made with two threads,
    /// they leave OpenBLAS's idle thread spinning in sched_yield while the next map's two threads
    /// run: three threads on two cores. In Lesson 5's training that was about 15% of the samples
    /// (perf, in the scheduler), and the run took 10-13% longer than with one BLAS thread; the
    /// numbers are the same (each element of a product is summed by one thread either way).
    public static func useOneBLASThread() {
        blasThreads = 1
    }

    /// body() with OpenBLAS limited to `threads` threads, restored afterwards. For the BLAS calls
    /// between two `map`s: OpenBLAS's idle threads keep spinning (sched_yield) for a while after
    /// every multi-threaded call, and would take cores from the next `map`'s threads.
    public static func withBLASThreads<R>(_ threads: Int, _ body: () -> R) -> R {
        let saved = blasThreads
        blasThreads = threads
        defer { blasThreads = saved }
        return body()
    }

    /// [body(0), body(1), ..., body(count - 1)], computed concurrently, one thread each, with
    /// OpenBLAS single-threaded while they run (its thread count is restored afterwards).
    /// With count == 1 it simply calls body(0) and leaves OpenBLAS alone.
    ///
    /// The calling thread runs body(0) and one new thread runs each of the others. (Dispatch's
    /// concurrentPerform was measured running both directions of a BiLSTM on one core here: its
    /// worker pool does not always grow for a two-iteration call.)
    public static func map<R>(_ count: Int, _ body: (Int) -> R) -> [R] {
        if count <= 1 { return (0..<count).map(body) }
        let results = UnsafeMutablePointer<R?>.allocate(capacity: count)
        results.initialize(repeating: nil, count: count)
        defer { results.deinitialize(count: count); results.deallocate() }
        let saved = blasThreads
        blasThreads = 1
        defer { blasThreads = saved }
        withoutActuallyEscaping(body) { body in
            // Each job writes only its own slot.
            let jobs = (1..<count).map { i in Job { results[i] = body(i) } }
            let threads = jobs.map { $0.start() }
            results[0] = body(0)
            for thread in threads { pthread_join(thread, nil) }
        }
        return (0..<count).map { results[$0]! }
    }
}

/// One piece of work on its own POSIX thread.
private final class Job: @unchecked Sendable {
    let work: () -> Void
    init(_ work: @escaping () -> Void) { self.work = work }

    func start() -> pthread_t {
        var thread = pthread_t()
        let context = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(&thread, nil, { context in
            let job = Unmanaged<Job>.fromOpaque(context!).takeRetainedValue()
            job.work()
            return nil
        }, context)
        precondition(status == 0, "Parallel.map: pthread_create failed with status \(status)")
        return thread
    }
}
