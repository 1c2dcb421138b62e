import Foundation
import Synchronization
import Testing

/// End-to-end fixtures for the reader code: the test process's own pcscd with vpcd
/// (``PrivatePCSCD``), virtual tags (``VirtualTag``) and the leadgate binary. Suites that use
/// them carry the `.virtualReaders` trait.
public enum VirtualReaderFixture {
    public static let slot0 = "Virtual PCD 00 00"
    public static let slot1 = "Virtual PCD 00 01"

    public static let packageRoot = ChildProcess.packageRoot

    /// What the fixtures' scripts understood before pcscd became private: `start`, `stop` and
    /// `kill` (the same now: stop ours), `restart`, and `own` (nothing left to take over).
    public static func pcscd(_ command: String) async throws {
        let pcscd = PrivatePCSCD.shared
        switch command {
        case "start": try await pcscd.start()
        case "stop", "kill": await pcscd.stop()
        case "restart": try await pcscd.restart()
        case "own": break
        default: throw HarnessFailure("unknown pcscd command \(command)")
        }
    }

    /// `pcscd(command)` under the TagReaders tests' old name.
    @discardableResult
    public static func control(_ command: String) async throws -> String {
        try await pcscd(command)
        return ""
    }

    /// Starts a virtual tag (`Hardware/virtual_tag.py ARGUMENTS`); the suite stops what is left.
    public static func tag(_ arguments: [String]) throws -> SpawnedProcess {
        try VirtualTag(arguments).process
    }

    /// Runs the leadgate binary to its end.
    public static func leadgate(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await SpawnedProcess.run(LeadgateBinary.url.path, arguments, timeout: timeout)
    }

    /// Waits until pcscd no longer shows a tag on the virtual readers, so the next test starts clean.
    public static func waitUntilReadersAreEmpty() async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let result = try await leadgate(["readers", "--json"])
            if result.status == 0, !result.stdout.contains("\"tag_present\":true") { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessFailure("a virtual reader still shows a tag")
    }

    /// One suite at a time drives the process's pcscd and its virtual readers.
    static let turns = AsyncTurns()
}

/// The TagReaders tests' name for the same fixtures.
public typealias VirtualReaders = VirtualReaderFixture

/// A first-come, first-served lock that suspends its waiters instead of blocking a thread.
final class AsyncTurns: Sendable {
    private struct State {
        var taken = false
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    func acquire() async {
        await withCheckedContinuation { continuation in
            let granted = state.withLock { state in
                if state.taken {
                    state.waiting.append(continuation)
                    return false
                }
                state.taken = true
                return true
            }
            if granted { continuation.resume() }
        }
    }

    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.taken = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}

/// Gives a suite the process's pcscd with vpcd for its whole run, one suite at a time, and
/// afterwards stops the virtual tags left and pcscd.
public struct VirtualReaderTrait: SuiteTrait, TestScoping {
    public init() {}
    public var isRecursive: Bool { false }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        await VirtualReaderFixture.turns.acquire()
        defer { VirtualReaderFixture.turns.release() }
        PrivatePCSCD.shared.useInThisProcess()
        var failure: (any Error)?
        do {
            try await PrivatePCSCD.shared.start()
            try await function()
        } catch {
            failure = error
        }
        await VirtualTag.stopAll()
        await PrivatePCSCD.shared.stop()
        if let failure { throw failure }
    }
}

/// The leadgate tests' name for the trait.
public typealias VirtualReaderSuiteTrait = VirtualReaderTrait

extension Trait where Self == VirtualReaderTrait {
    /// The process's own pcscd with vpcd for the suite; see ``VirtualReaderTrait``.
    public static var virtualReaders: Self { Self() }
}
