import Foundation

/// The one forwarder of a store: an exclusive `flock` on `<store>.forward.lock`, held while
/// this object lives. The kernel drops it when the process ends however it ends (a SIGKILL
/// too), so a stale lock file never blocks anyone. The file holds the holder's pid, for the
/// message a second forwarder prints.
public final class ForwarderLock: Sendable {
    public enum Outcome: Sendable {
        case acquired(ForwarderLock)
        /// Another process holds it: its pid, if it wrote one.
        case heldBy(pid_t?)
    }

    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Takes the lock of the store at `store` without waiting.
    public static func acquire(store: String) throws(ForwardingError) -> Outcome {
        let path = store + ".forward.lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw ForwardingError(.store, "\(path): \(String(cString: strerror(errno)))", function: "open")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let failure = errno
            var bytes = [UInt8](repeating: 0, count: 32)
            let count = pread(descriptor, &bytes, bytes.count, 0)
            close(descriptor)
            guard failure == EWOULDBLOCK else {
                throw ForwardingError(.store, "\(path): \(String(cString: strerror(failure)))", function: "flock")
            }
            let text = String(decoding: bytes.prefix(max(0, count)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return .heldBy(pid_t(text))
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
        return .acquired(ForwarderLock(path: path, descriptor: descriptor))
    }
}
