// Where and how a graded test runs: lesson code is untrusted, so each test process gets as little
// as the machine allows.
//
// As root (CI, Gradescope), a test runs
//   - in a PID namespace of its own (`unshare --pid --fork --kill-child`): when the test ends or
//     is stopped, every process it started dies with it, also one that called setsid or forked
//     twice;
//   - in a mount namespace where the course checkout (Solutions/, the grader, out/, the hidden
//     tests) and the results folder are covered by an empty read-only file system;
//   - as an unprivileged user of its own (one per parallel slot, created if missing), on a
//     read-only copy of the test bundle and the fixtures, in a private temporary folder;
//   - with limits on memory, processes, file size, open files and CPU time (set before the
//     bundle starts, by util-linux's prlimit).
// Without root it applies the limits (and the namespaces, where unprivileged user namespaces
// are allowed) and says which protections it could not apply.

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Limits for one test process and everything it starts.
public struct ResourceLimits: Sendable {
    /// Virtual memory of one process (RLIMIT_AS).
    public var memoryBytes: Int = 6 << 30
    /// Processes and threads of the test's user (RLIMIT_NPROC).
    public var processes: Int = 256
    /// Size of any file it writes (RLIMIT_FSIZE).
    public var fileSizeBytes: Int = 64 << 20
    /// Open descriptors (RLIMIT_NOFILE).
    public var openFiles: Int = 256

    public init() {}

    /// prlimit's options; CPU seconds follow the test's time limit (two cores' worth, plus start-up).
    func prlimitArguments(timeLimit: Double) -> [String] {
        let cpu = Int((timeLimit * 2).rounded(.up)) + 10
        return ["--as=\(memoryBytes)", "--nproc=\(processes)", "--fsize=\(fileSizeBytes)",
                "--nofile=\(openFiles)", "--cpu=\(cpu)", "--core=0"]
    }
}

public final class Sandbox: @unchecked Sendable {
    /// A user a test runs as.
    struct User { var name: String; var uid: UInt32; var gid: UInt32 }

    /// The read-only copy: <directory>/root is COURSE_ROOT for the tests (Tests/Fixtures only),
    /// <directory>/bundle holds the test bundle, <directory>/tmp the private folders,
    /// <directory>/private the grader's own files (records), readable by root only.
    public let directory: String
    public let bundle: String
    public let courseRoot: String
    let privateDirectory: String
    /// Hidden from the tests (covered in their mount namespace).
    let hidden: [String]
    let limits: ResourceLimits
    let users: [User]
    let namespaces: Namespaces
    let prlimit: String?
    let setpriv: String?
    let killCommand: String?
    /// What could not be applied on this machine, for the grader's output.
    public let missing: [String]
    private let lock = NSLock()
    private var serial = 0
    /// The locked file that keeps this grader's users its own while it runs (-1: none).
    private let userPoolLock: Int32

    enum Namespaces { case none, root, user }

    /// Copies the bundle and the fixtures, creates the users (as root) and probes what works.
    /// `hide`: folders the tests must not see (the checkout, the results folder).
    public init(workspace: Workspace, bundle sourceBundle: String, hide: [String], slots: Int,
                limits: ResourceLimits = ResourceLimits()) throws {
        let fm = FileManager.default
        self.limits = limits
        var template = Array((NSTemporaryDirectory() + "/course-sandbox-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw GradingError("cannot create a sandbox folder in \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))")
        }
        directory = URL(fileURLWithPath: String(cString: made)).standardizedFileURL.path
        chmod(directory, 0o755)
        bundle = directory + "/bundle/" + URL(fileURLWithPath: sourceBundle).lastPathComponent
        courseRoot = directory + "/root"
        privateDirectory = directory + "/private"
        try fm.createDirectory(atPath: directory + "/bundle", withIntermediateDirectories: true)
        try fm.copyItem(atPath: sourceBundle, toPath: bundle)
        try fm.createDirectory(atPath: courseRoot + "/Tests", withIntermediateDirectories: true)
        let fixtures = workspace.root + "/Tests/Fixtures"
        if fm.fileExists(atPath: fixtures) { try fm.copyItem(atPath: fixtures, toPath: courseRoot + "/Tests/Fixtures") }
        try fm.createDirectory(atPath: directory + "/tmp", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: privateDirectory, withIntermediateDirectories: true)
        // Read-only for everyone but the grader, which owns it; the grader's private folder not even that.
        makeReadOnly(directory + "/bundle")
        makeReadOnly(courseRoot)
        chmod(directory + "/tmp", 0o711)
        chmod(privateDirectory, 0o700)

        prlimit = findExecutable("prlimit")
        setpriv = findExecutable("setpriv")
        killCommand = findExecutable("kill")
        let unshare = findExecutable("unshare")
        let isRoot = geteuid() == 0
        var missing: [String] = []
        // The hidden folders must not contain the sandbox itself.
        // The hidden folders must not contain the sandbox itself, nor lie inside one another
        // (once the outer one is covered, the inner one has nothing to cover).
        let sandboxDirectory = directory
        let candidates = Set(hide.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
            .filter { !(sandboxDirectory + "/").hasPrefix($0 + "/") && fm.fileExists(atPath: $0) }
        self.hidden = candidates.filter { path in !candidates.contains { path.hasPrefix($0 + "/") } }.sorted()

        var users: [User] = []
        var pool: (index: Int, lock: Int32)?
        if isRoot, setpriv != nil {
            // Each test's user is killed off after the test (every process it has), so two graders
            // on one machine must never share users: each holds a pool of users of its own.
            let claimed = Self.claimUserPool()
            pool = claimed
            let prefix = claimed.index == 0 ? "course-sandbox" : "course-sandbox\(claimed.index)-"
            for slot in 1...max(1, slots) {
                if let user = try Self.ensureUser("\(prefix)\(slot)") { users.append(user) }
            }
            if users.count < max(1, slots) { users = [] }
        }
        self.users = users
        userPoolLock = pool?.lock ?? -1
        if users.isEmpty {
            missing.append(isRoot ? "a user of its own for each test (setpriv or useradd missing)"
                                  : "a user of its own for each test (needs root)")
        }

        var namespaces = Namespaces.none
        if let unshare {
            let flags = ["--pid", "--fork", "--kill-child", "--mount", "--mount-proc"]
            if isRoot, Self.probe(unshare, flags + ["true"]) {
                namespaces = .root
            } else if Self.probe(unshare, ["--user", "--map-root-user"] + flags + ["true"]) {
                namespaces = .user
            }
        }
        self.namespaces = namespaces
        if namespaces == .none {
            missing.append("a PID namespace (processes a test leaves behind are killed by user or process group only)")
            missing.append("hiding the checkout (Solutions/, the grader, out/) from the tests (needs a mount namespace)")
        }
        if prlimit == nil { missing.append("limits on memory, processes, file size, open files and CPU (prlimit missing)") }
        self.missing = missing
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
        if userPoolLock >= 0 { close(userPoolLock) }
    }

    /// The command that runs `arguments` of the bundle for one test, in slot `slot`.
    public struct Command {
        public var executable: String
        public var arguments: [String]
        public var environment: [String: String]
        public var workingDirectory: String
        /// A private temporary folder, removed by `finish`.
        var temporary: String
        var user: User?
    }

    public func command(_ arguments: [String], slot: Int, timeLimit: Double, environment base: [String: String]) throws -> Command {
        lock.lock()
        serial += 1
        let temporary = "\(directory)/tmp/\(serial)"
        lock.unlock()
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: false)
        let user = users.isEmpty ? nil : users[slot % users.count]
        if let user {
            chown(temporary, user.uid, user.gid)
        }
        chmod(temporary, 0o700)

        var environment = base
        environment["HOME"] = temporary
        environment["TMPDIR"] = temporary
        environment["COURSE_ROOT"] = courseRoot

        var argv = [bundle] + arguments
        if let prlimit { argv = [prlimit] + limits.prlimitArguments(timeLimit: timeLimit) + ["--"] + argv }
        if let user, let setpriv {
            argv = [setpriv, "--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", "--no-new-privs", "--"] + argv
        }
        if namespaces != .none, let unshare = findExecutable("unshare") {
            // Inside the new namespaces, still privileged: cover the hidden folders, then exec the rest.
            let cover = #"while [ "$1" != "--" ]; do mount -t tmpfs -o ro,nosuid,nodev,noexec,size=4k,mode=0555 course-hidden "$1" || exit 125; shift; done; shift; exec "$@""#
            let userFlags = namespaces == .user ? ["--user", "--map-root-user"] : []
            argv = [unshare] + userFlags + ["--pid", "--fork", "--kill-child", "--mount", "--mount-proc", "--",
                                            "/bin/sh", "-c", cover, "sh"] + hidden + [privateDirectory, "--"] + argv
        }
        return Command(executable: argv[0], arguments: Array(argv.dropFirst()), environment: environment,
                       workingDirectory: temporary, temporary: temporary, user: user)
    }

    /// The first pool of sandbox users no other grader on this machine holds (an exclusive
    /// flock on its lock file, released when the grader's process ends or the sandbox goes);
    /// when all 8 are held, waits for the first.
    static func claimUserPool() -> (index: Int, lock: Int32) {
        let folder = FileManager.default.fileExists(atPath: "/run/lock") ? "/run/lock" : NSTemporaryDirectory()
        func openLock(_ index: Int) -> Int32 {
            open("\(folder)/course-sandbox-users-\(index).lock", O_CREAT | O_RDWR | O_NOFOLLOW | O_CLOEXEC, 0o600)
        }
        for index in 0..<8 {
            let fd = openLock(index)
            guard fd >= 0 else { continue }
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return (index, fd) }
            close(fd)
        }
        let fd = openLock(0)
        if fd >= 0 { flock(fd, LOCK_EX) }
        return (0, fd)
    }

    /// After the test: every process left running as the test's user is killed (the PID
    /// namespace already took care of those inside it), and the private folder goes.
    public func finish(_ command: Command) {
        if let user = command.user, let setpriv, let killCommand {
            // `kill -KILL -1` as that user signals every process of that user; it fails once none is left.
            for _ in 0..<20 {
                let sweep = Subprocess(setpriv, ["--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", "--",
                                                 killCommand, "-KILL", "-1"],
                                       environment: ["PATH": "/usr/bin:/bin"], workingDirectory: "/", timeLimit: 10)
                guard let result = try? sweep.run(), result.termination == .exited(0) else { break }
                usleep(20_000)
            }
        }
        try? FileManager.default.removeItem(atPath: command.temporary)
    }

    /// Processes still running as the sandbox users (for the attack suite: none may be left).
    public func leftoverProcesses() -> Int {
        let uids = Set(users.map(\.uid))
        guard !uids.isEmpty, let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return 0 }
        var count = 0
        for entry in entries where Int(entry) != nil {
            var info = stat()
            if stat("/proc/\(entry)", &info) == 0, uids.contains(info.st_uid) { count += 1 }
        }
        return count
    }

    /// A line for the grader's output: what protects the tests here.
    public var description: String {
        var applied: [String] = []
        if namespaces != .none { applied.append("own PID and mount namespaces (checkout hidden)") }
        if !users.isEmpty { applied.append("unprivileged users \(users.map(\.name).joined(separator: ", "))") }
        if prlimit != nil { applied.append("limits (memory \(limits.memoryBytes >> 30) GB, \(limits.processes) processes, files \(limits.fileSizeBytes >> 20) MB, \(limits.openFiles) open files, CPU time)") }
        applied.append("a read-only copy of the test bundle and fixtures")
        return "Each test ran with " + applied.joined(separator: "; ") + "."
            + (missing.isEmpty ? "" : " Not applied on this machine: " + missing.joined(separator: "; ") + ".")
    }

    private static func probe(_ executable: String, _ arguments: [String]) -> Bool {
        let process = Subprocess(executable, arguments, environment: ["PATH": "/usr/bin:/bin"], workingDirectory: "/", timeLimit: 10)
        return (try? process.run())?.termination == .exited(0)
    }

    /// The user `name`, created (a system user without a home or a login shell) when missing.
    private static func ensureUser(_ name: String) throws -> User? {
        if let entry = getpwnam(name) { return User(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid) }
        guard let useradd = findExecutable("useradd") else { return nil }
        let process = Subprocess(useradd, ["--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                                           "--shell", "/usr/sbin/nologin", name],
                                 environment: ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin"], workingDirectory: "/", timeLimit: 30)
        let result = try process.run()
        guard result.termination == .exited(0), let entry = getpwnam(name) else {
            throw GradingError("cannot create the sandbox user \(name): \(result.output.suffix(500))")
        }
        return User(name: name, uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
    }
}

/// `name` in /usr/bin, /bin, /usr/sbin or /sbin (not $PATH: the grader's tools are fixed).
func findExecutable(_ name: String) -> String? {
    ["/usr/bin", "/bin", "/usr/sbin", "/sbin"].map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
}

/// Folders 0555, files 0444 (executables 0555) below `path`, owned by whoever made them.
private func makeReadOnly(_ path: String) {
    let fm = FileManager.default
    var isDir: ObjCBool = false
    guard fm.fileExists(atPath: path, isDirectory: &isDir) else { return }
    if isDir.boolValue {
        for entry in (try? fm.contentsOfDirectory(atPath: path)) ?? [] { makeReadOnly(path + "/" + entry) }
        chmod(path, 0o555)
    } else {
        chmod(path, access(path, X_OK) == 0 ? 0o555 : 0o444)
    }
}
