import Foundation

/// Lets a tap in while an import holds the store's write lock.
///
/// A bulk load commits and at once begins its next transaction; another writer (the booth
/// storing a tap, the forwarder marking deliveries) waits in SQLite's busy handler, which
/// sleeps up to 100 ms between tries and so almost never finds the lock free: it waited
/// for the whole import, or gave up after the busy timeout. Here every ordinary writer
/// holds a shared `flock` on `<store>-writers` while it waits and writes. The bulk loader
/// checks that lock between capture calls: if a writer is waiting, it commits, waits
/// until that writer is done (an exclusive lock), and then goes on.
final class WriterGate {
    private let fd: Int32

    /// Nil when the lock file cannot be opened: writers then just take their chances.
    init?(storePath: String) {
        let fd = open(storePath + "-writers", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return nil }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Runs an ordinary write transaction, announced to bulk loaders.
    func announced<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        while flock(fd, LOCK_SH) != 0 && errno == EINTR {}
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// True while some writer holds or waits with its shared lock.
    var writerWaiting: Bool {
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }

    /// Waits until no writer is announced (call without holding the database's write lock).
    func letWritersIn() {
        while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
        flock(fd, LOCK_UN)
    }
}
