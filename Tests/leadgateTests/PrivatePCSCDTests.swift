import Foundation
import Testing
import TestSupport

/// The tests' pcscd is their own: its socket and vpcd ports are private to this test process,
/// leadgate children find it through the environment alone, and a pcscd the machine runs on
/// the default socket (a booth laptop's, or the stand-in `.ci/run` starts) is left as it was.
@Suite(.serialized, .virtualReaders)
struct PrivatePCSCDTests {
    /// The machine's pcscd: its pid (from its pid file, if that process lives) and its socket's inode.
    static func machinePCSCD() -> (pid: pid_t?, socketInode: UInt64?) {
        let pid = (try? String(contentsOfFile: "/run/pcscd/pcscd.pid", encoding: .utf8))
            .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            .flatMap { kill($0, 0) == 0 ? $0 : nil }
        var info = stat()
        let inode = stat("/run/pcscd/pcscd.comm", &info) == 0 ? UInt64(info.st_ino) : nil
        return (pid, inode)
    }

    @Test func childrenReachTheTestsOwnPCSCDThroughTheEnvironment() async throws {
        let pcscd = PrivatePCSCD.shared
        #expect(pcscd.socketPath.hasPrefix(pcscd.folder.path))
        #expect(FileManager.default.fileExists(atPath: pcscd.socketPath))
        let port = try #require(pcscd.vpcdPort)
        #expect(port != 35963)

        let environment = try await ChildProcess.run("/usr/bin/env", [])
        #expect(environment.stdout.contains("PCSCLITE_CSOCK_NAME=\(pcscd.socketPath)\n"))
        #expect(environment.stdout.contains("LEADGATE_VPCD_PORT=\(port)\n"))

        // A tag on the private vpcd port shows on the private pcscd's reader, through leadgate.
        let tag = try VirtualReaderFixture.tag(["--slot", "1", "--stay", "--kind", "mifare_classic_1k", "--uid", "0A0B0C0F"])
        var listed = ""
        let deadline = ContinuousClock.now + .seconds(10)
        repeat {
            listed = try await VirtualReaderFixture.leadgate(["readers", "--json"]).stdout
            if listed.contains("\"tag_present\":true") { break }
            try await Task.sleep(for: .milliseconds(100))
        } while ContinuousClock.now < deadline
        await tag.stop()
        try await VirtualReaderFixture.waitUntilReadersAreEmpty()
        #expect(listed.contains("\"tag_present\":true"), "leadgate readers: \(listed)")
    }

    @Test func stoppingAndRestartingItLeavesTheMachinesPCSCDAlone() async throws {
        let before = Self.machinePCSCD()
        try await VirtualReaderFixture.pcscd("kill")
        #expect(!FileManager.default.fileExists(atPath: PrivatePCSCD.shared.socketPath))
        try await VirtualReaderFixture.pcscd("restart")
        #expect(FileManager.default.fileExists(atPath: PrivatePCSCD.shared.socketPath))
        let after = Self.machinePCSCD()

        #expect(after.pid == before.pid)
        #expect(after.socketInode == before.socketInode)
    }
}
