import CorpusIO
import Foundation

/// One process per run folder at a time: an exclusive `flock` on `<root>/.lock`, held until `release`
/// or the process ends. The kernel drops the lock of a killed process, so a stale file never blocks a
/// rerun; the file's text (the holder's pid) is only for the message a second process prints.
public final class RunLock {
    private var descriptor: Int32
    public let path: String

    /// Takes the lock or throws, naming the process that holds it.
    public init(path: String) throws {
        self.path = path
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ExecutorError(message: "cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? FileInput.readAll(path: path, limit: 64)).map { String(decoding: $0, as: UTF8.self) }
            close(descriptor)
            descriptor = -1
            let pid = holder.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            throw ExecutorError(message: "\(FileSystem.parent(of: path)) is in use by another plm run"
                + (pid.map { " (pid \($0))" } ?? "") + "; wait for it to finish or stop it")
        }
        let text = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = text.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    public func release() {
        guard descriptor >= 0 else { return }
        _ = ftruncate(descriptor, 0)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
