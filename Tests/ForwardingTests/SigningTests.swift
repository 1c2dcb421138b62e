import Foundation
import Logging
@testable import Forwarding
import Testing

@Suite struct SigningTests {
    func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func matchesRFC4231TestCases() {
        // Case 1, case 2, and case 6 (a key longer than the block is hashed first).
        #expect(hex(HMAC.sha256(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(hex(HMAC.sha256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(hex(HMAC.sha256(key: [UInt8](repeating: 0xaa, count: 131),
                                message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    @Test func signsLikeTheStandardWebhooksReference() throws {
        let secret = try WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let signature = secret.signature(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330,
                                         body: Array(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func takesAPlainSecretAsItsBytes() throws {
        let plain = try WebhookSecret("Jefe-is-sixteen!")
        #expect(plain.key == Array("Jefe-is-sixteen!".utf8))
        #expect(throws: ForwardingError.self) { try WebhookSecret("whsec_!!!") }
        #expect(throws: ForwardingError.self) { try WebhookSecret("") }
    }

    @Test func refusesASecretShorterThan16Bytes() {
        #expect(throws: ForwardingError.self) { try WebhookSecret("Jefe") }
        #expect(throws: ForwardingError.self) { try WebhookSecret("fifteen-bytes!!") }
        #expect(throws: ForwardingError.self) { try WebhookSecret("whsec_" + Data(repeating: 7, count: 15).base64EncodedString()) }
        #expect(throws: Never.self) { try WebhookSecret("whsec_" + Data(repeating: 7, count: 16).base64EncodedString()) }
    }
}

@Suite struct BackoffTests {
    @Test func doublesWithJitterUpToTheMaximum() {
        let backoff = Backoff(initial: .seconds(1), maximum: .seconds(60))
        for failures in 1...12 {
            let full = min(pow(2.0, Double(failures - 1)), 60)
            for _ in 0..<50 {
                let delay = backoff.delay(afterFailures: failures).seconds
                #expect(delay >= full / 2 && delay <= full, "after \(failures) failures: \(delay) s")
            }
        }
    }

    @Test func honoursRetryAfterUpToItsCap() {
        let backoff = Backoff(maximumRetryAfter: .seconds(600))
        #expect(backoff.delay(afterFailures: 1, retryAfter: .seconds(42)) == .seconds(42))
        #expect(backoff.delay(afterFailures: 1, retryAfter: .seconds(86_400)) == .seconds(600))
    }

    @Test func readsRetryAfterAsSecondsOrAnHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_795_342_500)  // Sun, 22 Nov 2026 10:15:00 GMT
        #expect(RetryAfter.parse("120", now: now) == .seconds(120))
        #expect(RetryAfter.parse("Sun, 22 Nov 2026 10:16:30 GMT", now: now) == .seconds(90))
        #expect(RetryAfter.parse("soon", now: now) == nil)
    }
}

@Suite struct DestinationTests {
    @Test func keepsPasswordsAndQueriesOutOfMessages() {
        #expect(Destination.redacted("postgres://sales:s3cret@db.example:5432/crm?sslmode=verify-full&password=x")
                == "postgres://db.example:5432/crm")
        #expect(Destination.redacted("https://hooks.example/leads?token=abc") == "https://hooks.example/leads")
    }

    @Test func picksTheSinkByScheme() throws {
        let logger = Logger(label: "test")
        #expect(try Destination.sink(for: "postgresql://db.example/crm", environment: [:], logger: logger) is PostgresSink)
        #expect(try Destination.sink(for: "https://hooks.example/x", environment: ["LEADGATE_WEBHOOK_SECRET": "a-secret-of-enough-bytes"], logger: logger) is WebhookSink)
        #expect(throws: ForwardingError.self) { try Destination.sink(for: "https://hooks.example/x", environment: [:], logger: logger) }
        #expect(throws: ForwardingError.self) { try Destination.sink(for: "ftp://x/y", environment: [:], logger: logger) }
        #expect(throws: ForwardingError.self) {
            try Destination.sink(for: "http://hooks.example/x", environment: ["LEADGATE_WEBHOOK_SECRET": "a-secret-of-enough-bytes"], logger: logger)
        }
    }

    @Test func classifiesServerErrorsByTheirSQLSTATE() {
        #expect(PostgresConnection.classify(sqlState: "22P02") == .rejected)
        #expect(PostgresConnection.classify(sqlState: "23502") == .rejected)
        #expect(PostgresConnection.classify(sqlState: "08006") == .unreachable)
        #expect(PostgresConnection.classify(sqlState: "57P01") == .unreachable)
        #expect(PostgresConnection.classify(sqlState: "40001") == .temporaryFailure)
        #expect(PostgresConnection.classify(sqlState: "53100") == .temporaryFailure)
    }
}
