import Testing
import TestSupport

/// Every suite that talks to PostgreSQL, one after another, on one server.
@Suite(.serialized, .postgresCluster)
struct PostgresSuites {
    static var cluster: PostgresCluster {
        get throws { try #require(PostgresCluster.current, "the suite trait starts the server") }
    }
}
