import CSQLite
import Foundation

/// One SQLite connection. Owned by a `LeadStore`, which serializes every use behind its lock.
final class SQLiteDatabase {
    let handle: OpaquePointer
    private var statements: [String: SQLiteStatement] = [:]

    /// Process-wide settings, applied once before the first connection opens.
    private static let configured: Void = {
        // Fails harmlessly (SQLITE_MISUSE) if something else initialized SQLite first.
        _ = leadgate_sqlite3_disable_memstatus()
    }()

    init(path: String) throws(StoreError) {
        _ = Self.configured
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw StoreError(.cannotOpen, "\(path): \(message)", function: "sqlite3_open_v2", resultCode: rc)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        // Another leadgate (the forwarder, a second terminal) may hold the write lock briefly.
        sqlite3_busy_timeout(db, Self.busyTimeoutMilliseconds)
    }

    deinit {
        hot.removeAll()
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Turns a SQLite result into a `StoreError` that names the call.
    @discardableResult
    func check(_ rc: Int32, function: String, _ expected: Int32 = SQLITE_OK) throws(StoreError) -> Int32 {
        guard rc == expected || (expected == SQLITE_OK && rc == SQLITE_OK) else {
            throw StoreError(.sqlite, String(cString: sqlite3_errmsg(handle)), function: function, resultCode: rc)
        }
        return rc
    }

    func execute(_ sql: String) throws(StoreError) {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "error \(rc)"
            sqlite3_free(error)
            throw StoreError(.sqlite, message, function: "sqlite3_exec", resultCode: rc)
        }
    }

    /// Switches the file from WAL to a rollback journal if no other connection has it open
    /// (SQLite refuses the switch otherwise; this does not wait). True if switched.
    func leaveWAL() -> Bool {
        sqlite3_busy_timeout(handle, 0)
        defer { sqlite3_busy_timeout(handle, Self.busyTimeoutMilliseconds) }
        return (try? pragmaText("PRAGMA journal_mode=TRUNCATE")) == "truncate"
    }

    /// Switches the file (back) to WAL, waiting up to the busy timeout for readers. True
    /// if the file is in WAL mode afterwards.
    func enterWAL() -> Bool {
        (try? pragmaText("PRAGMA journal_mode=WAL")) == "wal"
    }

    /// How long a statement waits for another connection's lock before failing.
    static let busyTimeoutMilliseconds: Int32 = 10_000

    /// The first column of the first row of `sql` as text (a PRAGMA's answer).
    func pragmaText(_ sql: String) throws(StoreError) -> String? {
        var stmt: OpaquePointer?
        try check(sqlite3_prepare_v2(handle, sql, -1, &stmt, nil), function: "sqlite3_prepare_v2")
        defer { sqlite3_finalize(stmt) }
        let rc = sqlite3_step(stmt)
        guard rc == SQLITE_ROW else {
            if rc == SQLITE_DONE { return nil }
            throw StoreError(.sqlite, String(cString: sqlite3_errmsg(handle)), function: "sqlite3_step", resultCode: rc)
        }
        return sqlite3_column_text(stmt, 0).map { String(cString: $0) }
    }

    /// A prepared statement, cached by its SQL text so hot paths prepare once.
    func statement(_ sql: String) throws(StoreError) -> SQLiteStatement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        var stmt: OpaquePointer?
        try check(sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil), function: "sqlite3_prepare_v3")
        let statement = SQLiteStatement(stmt!, database: self)
        statements[sql] = statement
        return statement
    }

    /// While true (a bulk load), `transaction` joins one long transaction that the loader
    /// commits with `commitHeld()` every so many captures, instead of committing each call.
    var holdsTransactions = false
    /// Ordinary writers announce themselves here so a bulk load lets them in (see WriterGate).
    var writerGate: WriterGate?
    /// A bulk load's knowledge of what is not stored yet (nil outside bulk loads).
    var bulkFilter: BulkCaptureFilter?
    private var heldOpen = false

    /// The hot paths' statements (a capture runs six), cached by the address of their
    /// literal: hashing a pointer, not the SQL text. Reset, bindings kept (all are rebound).
    private var hot: [UnsafeRawPointer: SQLiteStatement] = [:]

    func prepared(_ sql: StaticString) throws(StoreError) -> SQLiteStatement {
        let key = UnsafeRawPointer(sql.utf8Start)
        if let cached = hot[key] {
            sqlite3_reset(cached.handle)
            return cached
        }
        let statement = try statement(sql.description)
        hot[key] = statement
        return statement
    }

    /// Runs `body` in a transaction that takes the write lock up front, so two writers
    /// wait for each other instead of failing half-way.
    ///
    /// In a bulk load, `body` runs inside the held transaction and is only durable once the
    /// loader commits. If it fails, everything since the last commit is rolled back: a
    /// savepoint per call would keep the rest, but copying each touched page aside cost
    /// a sixth of an import's writer time, and a failed import is simply run again.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        if holdsTransactions {
            // A tap or a delivery waiting for the lock goes first, between two capture calls.
            if heldOpen, writerGate?.writerWaiting == true { try commitHeld() }
            if !heldOpen {
                writerGate?.letWritersIn()
                try execute("BEGIN IMMEDIATE")
                heldOpen = true
            }
            do {
                return try body()
            } catch {
                resetStatements()
                try? execute("ROLLBACK")
                heldOpen = false
                throw error
            }
        }
        func run() throws(StoreError) -> T {
            try execute("BEGIN IMMEDIATE")
            do {
                let result = try body()
                try execute("COMMIT")
                return result
            } catch {
                try? execute("ROLLBACK")
                throw error
            }
        }
        guard let writerGate else { return try run() }
        return try writerGate.announced(run)
    }

    /// Commits the held transaction of a bulk load, if one is open.
    func commitHeld() throws(StoreError) {
        guard heldOpen else { return }
        resetStatements()
        try execute("COMMIT")
        heldOpen = false
    }

    /// Resets every cached statement, ending the read transactions of those left on a row.
    func resetStatements() {
        for statement in statements.values { sqlite3_reset(statement.handle) }
    }

    var changes: Int { Int(sqlite3_changes(handle)) }

    var lastInsertRowID: Int { Int(sqlite3_last_insert_rowid(handle)) }
}

/// A prepared statement; binds by 1-based index, reads columns by 0-based index.
final class SQLiteStatement {
    let handle: OpaquePointer
    unowned let database: SQLiteDatabase

    init(_ handle: OpaquePointer, database: SQLiteDatabase) {
        self.handle = handle
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// SQLite copies the bytes before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ values: [SQLValue]) throws(StoreError) {
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .int(let v): rc = sqlite3_bind_int64(handle, index, Int64(v))
            case .text(let s): rc = sqlite3_bind_text(handle, index, s, -1, Self.transient)
            case .blob(let b):
                rc = b.withUnsafeBytes { sqlite3_bind_blob64(handle, index, $0.baseAddress, sqlite3_uint64($0.count), Self.transient) }
            }
            try database.check(rc, function: "sqlite3_bind")
        }
    }

    /// Binds the string's UTF-8 bytes in place (passing a String as a C string copies it
    /// into a new array first).
    func bind(_ index: Int32, _ text: String) throws(StoreError) {
        var text = text
        let rc = text.withUTF8 { utf8 -> Int32 in
            // An empty buffer may have no address, and a null pointer would bind NULL.
            guard let base = utf8.baseAddress, utf8.count > 0 else { return sqlite3_bind_text(handle, index, "", 0, Self.transient) }
            return sqlite3_bind_text(handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(utf8.count), Self.transient)
        }
        if rc != SQLITE_OK { try database.check(rc, function: "sqlite3_bind_text") }
    }

    /// Binds UTF-8 bytes as text without SQLite copying them, runs the statement and
    /// resets it: the bytes are only read while it runs (a lead's JSON, 1.5 KB, was
    /// copied into a buffer of SQLite's own first).
    func runBound(binding index: Int32, utf8: [UInt8]) throws(StoreError) {
        try utf8.withUnsafeBufferPointer { (bytes) throws(StoreError) in
            try bind(index, utf8: bytes)
            // Nothing may stay bound to the bytes once they are gone.
            defer { sqlite3_bind_null(handle, index) }
            try runBound()
        }
    }

    /// Binds UTF-8 bytes as text without SQLite copying them: only while the bytes live,
    /// and they must be unbound (or bound anew) before they go.
    func bind(_ index: Int32, utf8 bytes: UnsafeBufferPointer<UInt8>) throws(StoreError) {
        let rc: Int32
        if let base = bytes.baseAddress, bytes.count > 0 {
            rc = sqlite3_bind_text(handle, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
        } else {
            rc = sqlite3_bind_text(handle, index, "", 0, Self.transient)
        }
        if rc != SQLITE_OK { try database.check(rc, function: "sqlite3_bind_text") }
    }

    func bind(_ index: Int32, _ text: String?) throws(StoreError) {
        if let text {
            try bind(index, text)
        } else {
            try database.check(sqlite3_bind_null(handle, index), function: "sqlite3_bind_null")
        }
    }

    func bind(_ index: Int32, _ value: Int) throws(StoreError) {
        let rc = sqlite3_bind_int64(handle, index, Int64(value))
        if rc != SQLITE_OK { try database.check(rc, function: "sqlite3_bind_int64") }
    }

    /// Steps once: true while there is a row to read.
    func step() throws(StoreError) -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw StoreError(.sqlite, String(cString: sqlite3_errmsg(database.handle)), function: "sqlite3_step", resultCode: rc)
    }

    func run(_ values: [SQLValue] = []) throws(StoreError) {
        try bind(values)
        while try step() {}
    }

    /// Runs a statement already bound (an INSERT or UPDATE) and resets it.
    func runBound() throws(StoreError) {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    func text(_ column: Int32) -> String? {
        guard sqlite3_column_type(handle, column) != SQLITE_NULL, let p = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: p)
    }

    func int(_ column: Int32) -> Int? {
        sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(handle, column))
    }

    func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let p = sqlite3_column_blob(handle, column) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: p, count: count))
    }
}

enum SQLValue {
    case null
    case int(Int)
    case text(String)
    case blob([UInt8])

    static func text(_ s: String?) -> SQLValue { s.map { .text($0) } ?? .null }
}
