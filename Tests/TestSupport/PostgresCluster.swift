import Foundation
import Synchronization
import CLibPQ
import Testing

/// The PostgreSQL server the suites share: `LEADGATE_TEST_PG_URL` when it is set, else a
/// private cluster that Hardware/pg-test-cluster.sh starts in a temporary folder (with TLS,
/// on a free loopback port) and that is stopped and removed when the suites are done.
public final class PostgresCluster: Sendable {
    @TaskLocal public static var current: PostgresCluster?

    /// A URL of the `postgres` database, for administration.
    public let adminURL: String
    public let host: String
    public let port: Int
    /// The cluster's folder; nil for a server the tests did not start (and must not stop).
    public let directory: String?
    /// Databases made by `makeDatabase`, dropped at the end on a server the tests did not start.
    private let madeDatabases = Mutex<[String]>([])

    public static var external: String? {
        ProcessInfo.processInfo.environment["LEADGATE_TEST_PG_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether tests may stop and restart the server.
    public static var isPrivate: Bool { external == nil }

    private init(adminURL: String, host: String, port: Int, directory: String?) {
        self.adminURL = adminURL
        self.host = host
        self.port = port
        self.directory = directory
    }

    public static func start() async throws -> PostgresCluster {
        if let external {
            let components = URLComponents(string: external)
            return PostgresCluster(adminURL: external, host: components?.host ?? "127.0.0.1",
                                   port: components?.port ?? 5432, directory: nil)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-pg-\(UUID().uuidString.prefix(8))").path
        let port = freePort()
        let output = try await script("start", directory, String(port), "ssl")
        guard output.status == 0 else {
            _ = try? await script("destroy", directory)
            throw HarnessFailure("pg-test-cluster.sh start exited \(output.status): \(output.stderr)")
        }
        return PostgresCluster(adminURL: output.stdout.trimmingCharacters(in: .whitespacesAndNewlines),
                               host: "127.0.0.1", port: port, directory: directory)
    }

    public func destroy() async {
        guard let directory else {
            for name in madeDatabases.withLock({ $0 }) {
                _ = try? await query(adminURL, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            }
            return
        }
        _ = try? await Self.script("destroy", directory)
    }

    /// Stops the server (fast: sessions are ended; immediate: as if it crashed).
    public func stop(immediate: Bool = false) async throws {
        guard let directory else { throw HarnessFailure("cannot stop a server the tests did not start") }
        let output = try await Self.script("stop", directory, immediate ? "immediate" : "fast")
        guard output.status == 0 else { throw HarnessFailure("pg-test-cluster.sh stop: \(output.stderr)") }
    }

    public func start() async throws {
        guard let directory else { return }
        let output = try await Self.script("start", directory, String(port))
        guard output.status == 0 else { throw HarnessFailure("pg-test-cluster.sh start: \(output.stderr)") }
    }

    /// The root certificate of the server's TLS, for `sslrootcert`; nil without TLS.
    public var certificatePath: String? {
        directory.map { $0 + "/server.crt" }.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
    }

    /// A new, empty database; returns its URL.
    public func makeDatabase() async throws -> String {
        let name = "leadgate_\(UUID().uuidString.prefix(8).lowercased())"
        _ = try await query(adminURL, "CREATE DATABASE \(name)")
        madeDatabases.withLock { $0.append(name) }
        return url(database: name)
    }

    public func url(database: String, user: String = "postgres", query: String = "") -> String {
        var components = URLComponents(string: adminURL) ?? URLComponents()
        components.path = "/" + database
        var text = components.string ?? adminURL
        if !query.isEmpty { text += (text.contains("?") ? "&" : "?") + query }
        return text
    }

    /// Runs SQL on its own connection and thread (libpq blocks); rows as text.
    public func query(_ url: String, _ sql: String) async throws -> [[String?]] {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try Self.blockingQuery(url, sql) })
            }.start()
        }
    }

    private static func blockingQuery(_ url: String, _ sql: String) throws -> [[String?]] {
        guard let connection = PQconnectdb(url) else { throw HarnessFailure("PQconnectdb returned nil") }
        defer { PQfinish(connection) }
        guard PQstatus(connection) == CONNECTION_OK else {
            throw HarnessFailure("connect: \(String(cString: PQerrorMessage(connection)))")
        }
        guard let result = PQexec(connection, sql) else { throw HarnessFailure("PQexec returned nil") }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK else {
            throw HarnessFailure("\(sql.prefix(60)): \(String(cString: PQresultErrorMessage(result)))")
        }
        let rows = PQntuples(result), columns = PQnfields(result)
        return (0..<rows).map { row in
            (0..<columns).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
    }

    /// The first column of the first row as an Int (for counts).
    public func count(_ url: String, _ sql: String) async throws -> Int {
        Int(try await query(url, sql).first?.first.flatMap { $0 } ?? "") ?? -1
    }

    private static func script(_ arguments: String...) async throws -> ChildProcess.Output {
        let script = ChildProcess.packageRoot.appendingPathComponent("Hardware/pg-test-cluster.sh").path
        return try await ChildProcess.run("/bin/bash", [script] + arguments)
    }

    private static func freePort() -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Gives the suites it is on one PostgreSQL server for their whole run (see ``PostgresCluster``).
public struct PostgresClusterTrait: SuiteTrait, TestScoping {
    public init() {}
    public var isRecursive: Bool { false }

    public func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let cluster = try await PostgresCluster.start()
        var failure: (any Error)?
        do {
            try await PostgresCluster.$current.withValue(cluster) { try await function() }
        } catch {
            failure = error
        }
        await cluster.destroy()
        if let failure { throw failure }
    }
}

extension Trait where Self == PostgresClusterTrait {
    /// A PostgreSQL server for the suite; see ``PostgresCluster``.
    public static var postgresCluster: Self { Self() }
}
