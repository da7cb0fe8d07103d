// Running one program with a time limit, its output captured in a file.
//
// Each child gets a process group of its own, so a test that starts helpers (gnuplot) or hangs
// in an endless loop is stopped whole: on timeout the group gets SIGKILL. Output goes to a file,
// not a pipe, so a chatty child can never block on a full pipe while we wait for it.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a finished program ended.
public enum Termination: Equatable, Sendable {
    case exited(Int32)
    case signalled(Int32)
    /// Killed by us after the time limit.
    case timedOut
    /// Killed by us because it wrote more than the output limit (a print in an endless loop).
    case outputLimit
}

public struct ProcessResult: Sendable {
    public var termination: Termination
    public var output: String
    public var seconds: Double
}

public struct Subprocess {
    public var executable: String
    public var arguments: [String]
    public var environment: [String: String]
    public var workingDirectory: String
    /// nil: no limit.
    public var timeLimit: Double?
    public var outputLimitBytes: Int = 32 << 20
    /// Let the child write to our stdout and stderr instead of capturing (walkthroughs).
    public var passOutputThrough = false
    /// Descriptors of ours the child gets, at the given numbers (the grading channel). Every
    /// other descriptor above stderr is closed in the child where the C library allows it.
    public var inherited: [(source: Int32, target: Int32)] = []

    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                workingDirectory: String, timeLimit: Double? = nil) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment ?? ProcessInfo.processInfo.environment
        self.workingDirectory = workingDirectory
        self.timeLimit = timeLimit
    }

    /// Runs to completion (or the limit). `onTick` is called every 20 ms or so with the
    /// output file's path, for progress displays.
    public func run(onTick: ((String) -> Void)? = nil) throws -> ProcessResult {
        let outputPath = NSTemporaryDirectory() + "/course-\(getpid())-\(UUID().uuidString).log"
        defer { unlink(outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if !passOutputThrough {
            posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        for (source, target) in inherited {
            posix_spawn_file_actions_adddup2(&actions, source, target)
        }
        if let closeFrom = addCloseFromAction {
            _ = closeFrom(&actions, 3 + Int32(inherited.count))
        }
        guard let addChdir = addChdirAction else {
            throw GradingError("this C library has no posix_spawn_file_actions_addchdir_np (glibc 2.29 or later is needed)")
        }
        guard addChdir(&actions, workingDirectory) == 0 else {
            throw GradingError("cannot run \(executable) in \(workingDirectory)")
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        sigaddset(&defaultSignals, SIGINT)
        sigaddset(&defaultSignals, SIGTERM)
        sigaddset(&defaultSignals, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)

        let argv = [executable] + arguments
        let envp = environment.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let start = Date()
        let status: Int32 = withCStrings(argv) { cArgv in
            withCStrings(envp) { cEnvp in
                posix_spawnp(&pid, executable, &actions, &attributes, cArgv, cEnvp)
            }
        }
        guard status == 0 else {
            throw GradingError("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        RunningGroups.shared.insert(pid)
        defer { RunningGroups.shared.remove(pid) }

        var termination: Termination?
        var killedFor: Termination?
        while termination == nil {
            var raw: Int32 = 0
            let r = waitpid(pid, &raw, WNOHANG)
            if r == pid {
                if let reason = killedFor {
                    termination = reason
                } else if raw & 0x7f == 0 {
                    termination = .exited((raw >> 8) & 0xff)
                } else {
                    termination = .signalled(raw & 0x7f)
                }
                // Helpers left behind by the child (it exited, they did not) go too.
                kill(-pid, SIGKILL)
                break
            }
            if r < 0 && errno != EINTR {
                throw GradingError("waiting for \(executable): \(String(cString: strerror(errno)))")
            }
            if killedFor == nil {
                if let limit = timeLimit, Date().timeIntervalSince(start) > limit {
                    killedFor = .timedOut
                    kill(-pid, SIGKILL)
                } else if fileSize(outputPath) > outputLimitBytes {
                    killedFor = .outputLimit
                    kill(-pid, SIGKILL)
                }
            }
            onTick?(outputPath)
            usleep(killedFor == nil ? 20_000 : 5_000)
        }
        let seconds = Date().timeIntervalSince(start)
        let data = FileManager.default.contents(atPath: outputPath) ?? Data()
        return ProcessResult(termination: termination ?? .timedOut,
                             output: String(decoding: data.prefix(outputLimitBytes), as: UTF8.self),
                             seconds: seconds)
    }
}

/// glibc declares posix_spawn_file_actions_addchdir_np only for _GNU_SOURCE, which Swift's
/// Glibc module does not see; it is looked up at run time instead.
private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
private let addChdirAction: AddChdir? = {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addchdir_np") else { return nil }
    return unsafeBitCast(symbol, to: AddChdir.self)
}()

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34): the child starts with no descriptor
/// it was not meant to have, whatever the grader itself has open.
private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
private let addCloseFromAction: AddCloseFrom? = {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(symbol, to: AddCloseFrom.self)
}()

private func fileSize(_ path: String) -> Int {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : 0
}

private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer { pointers.forEach { free($0) } }
    return body(pointers)
}

/// The process groups we started and have not reaped, so Ctrl-C stops them too (they are in
/// groups of their own and would not see the terminal's SIGINT).
public final class RunningGroups: @unchecked Sendable {
    public static let shared = RunningGroups()
    private let lock = NSLock()
    private var groups = Set<pid_t>()
    private var signalSources: [DispatchSourceSignal] = []

    func insert(_ pid: pid_t) { lock.lock(); groups.insert(pid); lock.unlock() }
    func remove(_ pid: pid_t) { lock.lock(); groups.remove(pid); lock.unlock() }

    /// On SIGINT, SIGTERM, SIGHUP or SIGPIPE (`make check | head`): kill every running child
    /// group, then exit 130. Without this a test in an endless loop would outlive us.
    public func installInterruptHandler() {
        for sig in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [self] in
                lock.lock()
                for pid in groups { kill(-pid, SIGKILL) }
                lock.unlock()
                if sig != SIGPIPE { FileHandle.standardError.write(Data("\ninterrupted\n".utf8)) }
                exit(130)
            }
            source.resume()
            signalSources.append(source)
        }
    }
}

/// A failure of the grading tools themselves (not of a student's code).
public struct GradingError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
