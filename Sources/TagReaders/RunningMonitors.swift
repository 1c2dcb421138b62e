import Foundation
import Synchronization

/// A backend's watcher of readers, which runs on a thread of its own until asked to stop.
protocol ReaderMonitor: AnyObject, Sendable {
    /// Watches until ``stop()``; call it on a dedicated thread.
    func run()
    /// Asks ``run()`` to return; callable from any thread.
    func stop()
}

/// One backend's monitor threads that have not returned yet, stopped or not, so the process
/// can stop them all and wait for them before it exits.
final class RunningMonitors: Sendable {
    private let monitors = Mutex<[ObjectIdentifier: any ReaderMonitor]>([:])

    /// Runs `monitor` on a new thread. It is registered before the thread starts, so a
    /// shutdown that follows at once cannot miss it.
    func start(_ monitor: any ReaderMonitor, threadName: String) {
        let id = ObjectIdentifier(monitor)
        monitors.withLock { $0[id] = monitor }
        DedicatedThread.start(name: threadName) {
            monitor.run()
            _ = self.monitors.withLock { $0.removeValue(forKey: id) }
        }
    }

    /// Stops every monitor and waits until their threads have returned, at most `timeout`;
    /// `true` if they all did.
    func shutDown(timeout: Duration) async -> Bool {
        for monitor in monitors.withLock({ Array($0.values) }) { monitor.stop() }
        let deadline = ContinuousClock.now + timeout
        while !monitors.withLock({ $0.isEmpty }) {
            guard ContinuousClock.now < deadline else { return false }
            do { try await Task.sleep(for: .milliseconds(5)) } catch { usleep(5_000) }  // cancelled: still wait
        }
        return true
    }
}
