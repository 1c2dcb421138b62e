import CLibPQ
import Foundation
import Synchronization

/// Every libpq call leadgate makes, in one place (swift-system's `Syscalls.swift` habit).
///
/// Nothing else in the module calls libpq, so a test can make a named call fail on cue (a
/// connection that drops in the middle of a COPY) while the real server keeps running.
enum LibPQ {
    /// Calls to fail, by libpq function name: each entry fails that many of the next calls.
    static let injectedFailures = Mutex<[String: Int]>([:])

    /// Makes the next `count` calls of `function` fail as if the connection had dropped.
    static func injectFailure(_ function: String, count: Int = 1) {
        injectedFailures.withLock { $0[function, default: 0] += count }
    }

    private static func failsOnCue(_ function: String) -> Bool {
        injectedFailures.withLock { failures in
            guard let left = failures[function], left > 0 else { return false }
            failures[function] = left == 1 ? nil : left - 1
            return true
        }
    }

    // MARK: connections

    static func connect(keywords: [String], values: [String]) -> OpaquePointer? {
        if failsOnCue("PQconnectdbParams") { return nil }
        return withCStrings(keywords) { keys in
            withCStrings(values) { vals in PQconnectdbParams(keys, vals, 1) }
        }
    }

    static func status(_ connection: OpaquePointer) -> ConnStatusType { PQstatus(connection) }

    static func transactionStatus(_ connection: OpaquePointer) -> PGTransactionStatusType {
        PQtransactionStatus(connection)
    }

    static func errorMessage(_ connection: OpaquePointer) -> String {
        PQerrorMessage(connection).map { String(cString: $0) } ?? ""
    }

    static func serverVersion(_ connection: OpaquePointer) -> Int32 { PQserverVersion(connection) }

    static func finish(_ connection: OpaquePointer) { PQfinish(connection) }

    /// Drops the server's notices ("relation already exists, skipping"), which libpq would
    /// otherwise print on stderr.
    static func silenceNotices(_ connection: OpaquePointer) {
        _ = PQsetNoticeProcessor(connection, { _, _ in }, nil)
    }

    // MARK: connection strings

    struct ParseFailure: Error {
        /// libpq's message; it may quote the string it could not read: scrub it before use.
        let message: String
    }

    /// libpq's own reading of a URL or key=value string (`PQconninfoParse`): the options it
    /// sets, by keyword, or its error.
    static func parseConnectionInfo(_ conninfo: String) -> Result<[String: String], ParseFailure> {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            let message = error.map { String(cString: $0) } ?? "out of memory"
            if let error { PQfreemem(error) }
            return .failure(ParseFailure(message: message))
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { values[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        return .success(values)
    }

    // MARK: commands

    static func exec(_ connection: OpaquePointer, _ command: String) -> OpaquePointer? {
        if failsOnCue("PQexec") { return nil }
        return PQexec(connection, command)
    }

    /// `PQexecParams` with text parameters (nil is SQL NULL) and text results.
    static func execParams(_ connection: OpaquePointer, _ command: String, _ parameters: [String?]) -> OpaquePointer? {
        if failsOnCue("PQexecParams") { return nil }
        let copies = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { for copy in copies { free(copy) } }
        let pointers = copies.map { UnsafePointer<CChar>($0) }
        return pointers.withUnsafeBufferPointer { values in
            PQexecParams(connection, command, Int32(parameters.count), nil, values.baseAddress, nil, nil, 0)
        }
    }

    static func putCopyData(_ connection: OpaquePointer, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        if failsOnCue("PQputCopyData") { return -1 }
        return PQputCopyData(connection, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
    }

    static func putCopyEnd(_ connection: OpaquePointer, failing reason: String? = nil) -> Int32 {
        if failsOnCue("PQputCopyEnd") { return -1 }
        return PQputCopyEnd(connection, reason)
    }

    static func result(_ connection: OpaquePointer) -> OpaquePointer? {
        if failsOnCue("PQgetResult") { return nil }
        return PQgetResult(connection)
    }

    // MARK: results

    static func resultStatus(_ result: OpaquePointer) -> ExecStatusType { PQresultStatus(result) }

    static func resultErrorMessage(_ result: OpaquePointer) -> String {
        PQresultErrorMessage(result).map { String(cString: $0) } ?? ""
    }

    static func sqlState(_ result: OpaquePointer) -> String? {
        PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
    }

    static func rowCount(_ result: OpaquePointer) -> Int { Int(PQntuples(result)) }

    static func columnCount(_ result: OpaquePointer) -> Int { Int(PQnfields(result)) }

    static func value(_ result: OpaquePointer, row: Int, column: Int) -> String? {
        if PQgetisnull(result, Int32(row), Int32(column)) != 0 { return nil }
        return PQgetvalue(result, Int32(row), Int32(column)).map { String(cString: $0) }
    }

    static func affectedRows(_ result: OpaquePointer) -> Int {
        PQcmdTuples(result).map { Int(String(cString: $0)) ?? 0 } ?? 0
    }

    static func clear(_ result: OpaquePointer) { PQclear(result) }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { for copy in copies { free(copy) } }
        let pointers = copies.map { UnsafePointer<CChar>($0) } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
