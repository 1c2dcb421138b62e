import CSQLite
import Foundation
import Leads
import Logging
import Synchronization

/// The local store: every lead, every change to it, the outbox of changes still to forward,
/// and the quarantine of inputs that could not be read.
///
/// A SQLite file in WAL mode with `synchronous=FULL`: a capture is on disk before any method
/// that made it returns. The file is created 0600. Several `LeadStore`s (processes or
/// threads) may open the same file; SQLite's locks and a busy timeout order their writes.
public final class LeadStore: @unchecked Sendable {
    // `@unchecked Sendable`: every use of `database`, `encoder` and `decoder` holds `lock`.
    private let lock = NSLock()
    let database: SQLiteDatabase
    let encoder: JSONEncoder
    let decoder = JSONDecoder()
    let logger: Logger
    public let path: String
    /// Who makes the changes this store records (see `LeadStore+Attribution.swift`).
    let actorName = Mutex(LeadStore.defaultActor())

    /// `$LEADGATE_STORE`, else `$XDG_DATA_HOME/leadgate/leads.sqlite`, else `~/.local/share/leadgate/leads.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["LEADGATE_STORE"], !explicit.isEmpty { return explicit }
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.local/share")
        return dataHome + "/leadgate/leads.sqlite"
    }

    public init(path: String, logger: Logger) throws(StoreError) {
        self.path = path
        self.logger = logger
        try Self.prepareFile(at: path)
        database = try SQLiteDatabase(path: path)
        encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        // Switching a new file to WAL takes an exclusive lock that the busy handler does not
        // wait for when another process is opening the same new file (booth and forwarder
        // started together): retry for as long as the busy timeout would have waited.
        // 32 KiB pages for a new store (an existing one keeps its size): a lead row is about
        // 1.6 KB, and bigger pages meant fewer splits and writes; an import of 100,000
        // cards spent 15% less time in its writer thread with 16 KiB pages than with 4 KiB,
        // and 3-11% less wall time with 32 KiB than 16 (64 KiB measured no better than 16).
        // A tap's commit took as long (0.55 ms).
        try database.execute("PRAGMA page_size=\(Self.pageSize)")
        // An import alone on the store runs it with a rollback journal (see `bulkLoad`) and
        // holds its write lock almost all the time: announced as a writer, this open gets
        // in between two of its transactions, and the import then follows it back to WAL.
        let gate = WriterGate(storePath: path)
        func enterWAL() throws(StoreError) {
            var attempts = 0
            while true {
                do {
                    try database.execute("PRAGMA journal_mode=WAL")
                    return
                } catch where (error.resultCode ?? 0) & 0xFF == SQLITE_BUSY && attempts < 200 {
                    attempts += 1
                    usleep(50_000)
                }
            }
        }
        if let gate { try gate.announced(enterWAL) } else { try enterWAL() }
        // FULL: the WAL is fsync'd at every commit, so a reported capture survives a power cut.
        try database.execute("PRAGMA synchronous=FULL")
        try database.execute("PRAGMA foreign_keys=ON")
        // Statement and savepoint journals in memory: in a file they were written (and
        // read back) page by page, as many bytes as the store itself during an import.
        try database.execute("PRAGMA temp_store=MEMORY")
        try migrate()
        try ensureGatewayName()
        database.writerGate = gate
    }

    static let pageSize = 32_768

    /// Creates the folder (0700) and an empty file (0600) so SQLite never creates them with
    /// the process umask; SQLite gives its -wal and -shm files the database file's mode.
    static func prepareFile(at path: String) throws(StoreError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        if !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError(.cannotOpen, "\(folder): \(error.localizedDescription)")
            }
        }
        // Only a file that does not exist yet: closing any descriptor of an open store
        // would drop the POSIX locks SQLite holds on it in this process (an import's).
        if access(path, F_OK) == 0 { return }
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw StoreError(.cannotOpen, "\(path): \(String(cString: strerror(errno)))", function: "open")
        }
        close(fd)
    }

    func migrate() throws(StoreError) {
        func schemaVersion() throws(StoreError) -> Int {
            let statement = try database.statement("PRAGMA user_version")
            defer { statement.reset() }
            _ = try statement.step()
            let version = statement.int(0) ?? 0
            guard version <= Schema.currentVersion else {
                throw StoreError(.schemaTooNew, "\(path) has schema \(version); this leadgate knows up to \(Schema.currentVersion)")
            }
            return version
        }
        guard try schemaVersion() < Schema.currentVersion else { return }
        // Read again under the write lock: another process opening the new store at the same
        // time (booth and forwarder) may have migrated it while this one waited.
        let version = try database.transaction { () throws(StoreError) -> Int in
            let version = try schemaVersion()
            guard version < Schema.currentVersion else { return version }
            for index in version..<Schema.currentVersion {
                try database.execute(Schema.migrations[index])
            }
            try database.execute("PRAGMA user_version = \(Schema.currentVersion)")
            return version
        }
        guard version < Schema.currentVersion else { return }
        logger.info("store migrated", metadata: ["store.from": "\(version)", "store.to": "\(Schema.currentVersion)"])
    }

    /// Runs `body` with the connection, one caller at a time.
    func withDatabase<T>(_ body: (SQLiteDatabase) throws(StoreError) -> T) throws(StoreError) -> T {
        lock.lock()
        defer {
            // A statement left on a row keeps a read transaction open: this connection would
            // keep reading an old snapshot and fail its next write (SQLITE_BUSY_SNAPSHOT) once
            // another process has written.
            database.resetStatements()
            lock.unlock()
        }
        return try body(database)
    }

    func encode(_ lead: Lead) throws(StoreError) -> String {
        LeadJSON.encode(lead)
    }

    func decodeLead(_ json: String, id: String) throws(StoreError) -> Lead {
        do { return try decoder.decode(Lead.self, from: Data(json.utf8)) } catch {
            throw StoreError(.corruptRow, "lead \(id): \(error)")
        }
    }

    func encodeJSON(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
