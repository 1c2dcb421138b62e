import Foundation
import Testing
import TestSupport

/// A store on a 2 MB tmpfs that fills up: exit 73 naming the store, never "internal error",
/// and a forward that cannot record its deliveries stops instead of re-sending for ever.
@Suite(.serialized) struct FullDiskTests {
    /// A fresh 2 MB tmpfs, or nil (the test is then skipped) where this process may not mount.
    final class SmallDisk {
        let path: String

        init?() async {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("leadgate-tmpfs-\(UUID().uuidString.prefix(8))").path
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            let mount = try? await ChildProcess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", path])
            guard mount?.status == 0 else {
                try? FileManager.default.removeItem(atPath: path)
                return nil
            }
        }

        /// Writes a file until the disk is full.
        func fill() async throws {
            let result = try await ChildProcess.run("/bin/dd", ["if=/dev/zero", "of=\(path)/filler", "bs=4096"])
            #expect(result.stderr.contains("No space left"), "\(result.stderr)")
        }

        func unmount() async {
            _ = try? await ChildProcess.run("/bin/umount", ["-l", path])
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    static var canMount: Bool { getuid() == 0 }

    @Test(.enabled(if: canMount, "mounting a tmpfs needs root"))
    func importIntoAFullDiskExits73NamingTheStore() async throws {
        guard let disk = await SmallDisk() else {
            Issue.record("skipped: cannot mount a tmpfs here")
            return
        }
        let w = try CLIWorkspace()
        try w.generateCards(4000, files: 4)
        let store = disk.path + "/leads.sqlite"

        let result = try LeadgateBinary.run(["import", w.input.appendingPathComponent("cards").path,
                                             "--event", "RSA 2026", "--rep", "alice", "--store", store])
        await disk.unmount()

        #expect(result.status == 73, "\(result.stderr)")
        // After the progress lines, one error line naming the store.
        let last = result.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("leadgate: error: ") && last.contains(store) && last.contains("disk is full"), "\(result.stderr)")
    }

    @Test(.enabled(if: canMount, "mounting a tmpfs needs root"))
    func forwardOnceStopsWithExit73WhenItCannotRecordDeliveries() async throws {
        guard let disk = await SmallDisk() else {
            Issue.record("skipped: cannot mount a tmpfs here")
            return
        }
        let w = try CLIWorkspace()
        try w.generateCards(120, files: 1)
        let store = disk.path + "/leads.sqlite"
        let imported = try LeadgateBinary.run(["import", w.input.appendingPathComponent("cards").path,
                                               "--event", "RSA 2026", "--rep", "alice", "--store", store])
        try #require(imported.status == 0, "\(imported.stderr)")
        let secret = "a-secret-of-enough-bytes"
        // The first POST is answered after 3 s: time to fill the disk once the forward has its store open.
        let receiver = try await WebhookReceiver(secret: secret, statuses: "hang:3,200")
        defer { receiver.stop() }

        let out = w.folder.appendingPathComponent("forward.out").path, err = w.folder.appendingPathComponent("forward.err").path
        let forward = try ChildProcess.spawn(LeadgateBinary.url.path, ["forward", "--once", "--to", receiver.url, "--store", store],
                                             environment: ["LEADGATE_WEBHOOK_SECRET": secret], stdout: out, stderr: err)
        // The store is open (with its WAL index mapped) before the disk fills up.
        try await waitUntil(seconds: 30) {
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(forward.pid)/fd")) ?? []
            return fds.contains { (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(forward.pid)/fd/\($0)")) == store + "-shm" }
        }
        try await disk.fill()
        let ended = Task { await forward.exit.value }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(45))
            forward.kill(SIGKILL)
        }
        let status = await ended.value
        watchdog.cancel()
        let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        await disk.unmount()

        #expect(status == 73, "\(stderr)")
        #expect(stderr.contains(store), "\(stderr)")
        // A few tries with backoff, not the same batch again and again.
        let posts = try receiver.requests().count
        #expect(posts <= 4 * 50, "\(posts) POSTs")
    }
}
