import CSQLite
import Foundation

/// Copies a bulk load's committed WAL pages into the database file from a thread of its
/// own, while the load goes on writing.
///
/// A checkpoint is a tenth of an import's writer time (read the WAL back, write the
/// database, fsync both); passive checkpoints on a second connection never block the
/// writer, and the decode workers leave a core idle enough of the time to run them.
final class BackgroundCheckpointer: @unchecked Sendable {
    // `@unchecked Sendable`: `stopping` and `finished` are only touched under `condition`.
    private let condition = NSCondition()
    private var stopping = false
    private var finished = false
    private let path: String
    private let interval: TimeInterval

    init(path: String, interval: TimeInterval = 0.1) {
        self.path = path
        self.interval = interval
    }

    /// Starts the thread; a store that cannot be opened a second time just gets no help.
    func start() {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK, let db = handle else {
            sqlite3_close_v2(handle)
            finish()
            return
        }
        // A connection only knows the file is in WAL mode once it has read it: until then a
        // checkpoint does nothing.
        guard sqlite3_exec(db, "PRAGMA synchronous=NORMAL; SELECT count(*) FROM sqlite_schema", nil, nil, nil) == SQLITE_OK else {
            sqlite3_close_v2(db)
            finish()
            return
        }
        let connection = Connection(handle: db)
        let thread = Thread { [self] in
            defer {
                sqlite3_close_v2(connection.handle)
                finish()
            }
            condition.lock()
            while !stopping {
                _ = condition.wait(until: Date(timeIntervalSinceNow: interval))
                if stopping { break }
                condition.unlock()
                // Busy (another checkpoint running) or not: try again next time round.
                _ = sqlite3_wal_checkpoint_v2(connection.handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
                condition.lock()
            }
            condition.unlock()
        }
        thread.start()
    }

    /// Stops the thread and waits for it (a checkpoint under way completes first).
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The connection handed to the thread.
    private struct Connection: @unchecked Sendable {
        let handle: OpaquePointer
    }
}
