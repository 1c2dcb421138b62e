import Foundation
import Synchronization
import Testing

/// pcscd with vpcd's two virtual readers, for end-to-end tests: Hardware/pcscd-vpcd.sh starts
/// it (or reuses the pcscd running) and stops what it started.
enum VirtualReaders {
    static let slot0 = "Virtual PCD 00 00"
    static let slot1 = "Virtual PCD 00 01"

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `Hardware/pcscd-vpcd.sh COMMAND`.
    @discardableResult
    static func control(_ command: String) async throws -> String {
        let script = packageRoot.appendingPathComponent("Hardware/pcscd-vpcd.sh").path
        let output = try await ChildProcess.run("/bin/bash", [script, command])
        guard output.status == 0 else {
            throw VirtualReaderFailure("pcscd-vpcd.sh \(command) exited \(output.status): \(output.stderr)")
        }
        return output.stdout + output.stderr
    }
}

struct VirtualReaderFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// An exclusive lock on /tmp/leadgate-vpcd.lock: vpcd's ports and pcscd are one per machine, so
/// end-to-end suites of every test target and every concurrent `swift test` take turns.
final class MachineLock: Sendable {
    private let descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Waits for the lock on a thread of its own; `flock` blocks.
    static func acquire() async -> MachineLock {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                let descriptor = open("/tmp/leadgate-vpcd.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o666)
                if descriptor >= 0 { _ = flock(descriptor, LOCK_EX) }
                continuation.resume(returning: MachineLock(descriptor: descriptor))
            }
            thread.start()
        }
    }

    func release() {
        guard descriptor >= 0 else { return }
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

/// Gives a suite pcscd with vpcd for its whole run, under the machine lock, and afterwards
/// stops the virtual tags and the pcscd that it started.
struct VirtualReaderTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        let lock = await MachineLock.acquire()
        defer { lock.release() }
        var failure: (any Error)?
        do {
            try await VirtualReaders.control("start")
            try await function()
        } catch {
            failure = error
        }
        await VirtualTag.stopAll()
        _ = try? await VirtualReaders.control("stop")
        if let failure { throw failure }
    }
}

extension Trait where Self == VirtualReaderTrait {
    /// pcscd with vpcd for the suite; see ``VirtualReaderTrait``.
    static var virtualReaders: Self { Self() }
}
