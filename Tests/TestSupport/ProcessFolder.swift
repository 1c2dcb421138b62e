import Foundation
import Synchronization

/// Temporary folders that belong to this test process: `<tmp>/<prefix>-<pid>`, removed when the
/// process exits. A test process killed before it could remove its folders leaves them behind;
/// they go when the next test process makes a folder with the same prefix.
public enum ProcessFolder {
    private static let madeFolders = Mutex<[URL]>([])

    /// Registers the removal of every folder made here, once per process.
    private static let removalAtExit: Void = {
        atexit {
            for folder in ProcessFolder.madeFolders.withLock({ $0 }) { try? FileManager.default.removeItem(at: folder) }
        }
    }()

    /// This process's folder for `prefix`, created if needed. Before that, the folders of dead
    /// processes with the same prefix are removed, each after `cleaningUp` has seen it (to stop
    /// what such a process left running).
    public static func make(_ prefix: String, cleaningUp: (URL) -> Void = { _ in }) -> URL {
        let temporary = FileManager.default.temporaryDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        where name.hasPrefix(prefix + "-") {
            guard let pid = pid_t(name.dropFirst(prefix.count + 1)), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            let stale = temporary.appendingPathComponent(name)
            cleaningUp(stale)
            try? FileManager.default.removeItem(at: stale)
        }
        let folder = temporary.appendingPathComponent("\(prefix)-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        _ = removalAtExit
        madeFolders.withLock { if !$0.contains(folder) { $0.append(folder) } }
        return folder
    }
}
