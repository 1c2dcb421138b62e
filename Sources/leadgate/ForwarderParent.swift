import CLinux
import Dispatch
import Forwarding
import Foundation

/// What ties a `leadgate forward` to the booth or demo that started it in the background
/// (BackgroundForwarding), and to the store it forwards from.
///
/// The child must not outlive its parent: a restarted booth would otherwise start a second
/// forwarder beside the orphan, and every change would go out twice. The kernel sends it
/// SIGTERM when the parent ends (PR_SET_PDEATHSIG, asked for by the child itself at start,
/// since posix_spawn cannot), and the child checks `getppid()` twice a second as well. And
/// one forwarder per store, whoever started it: an flock on `<store>.forward.lock`.
enum ForwarderParent {
    /// Set by BackgroundForwarding to the parent's pid; its presence means "background".
    static let environmentVariable = "LEADGATE_FORWARD_PARENT"

    static func expected(environment: [String: String]) -> pid_t? {
        environment[environmentVariable].flatMap { pid_t($0) }
    }

    /// Asks for SIGTERM when the parent ends. False if it has ended already (the check
    /// comes after the request, so a parent that died just before it is seen).
    static func bind(to parent: pid_t) -> Bool {
        _ = leadgate_set_parent_death_signal(SIGTERM)
        return getppid() == parent
    }

    /// Takes the store's forwarder lock. A background forwarder waits for it (the forwarder
    /// of a booth that was just restarted may still be finishing its batch) and returns nil
    /// if its parent ends meanwhile; a forwarder started by hand is told who holds it.
    static func lockStore(_ store: String, waiting parent: pid_t?) async throws(CommandFailure) -> ForwarderLock? {
        var announced = false
        while true {
            let outcome: ForwarderLock.Outcome
            do {
                outcome = try ForwarderLock.acquire(store: store)
            } catch {
                throw CommandFailure.cannotWrite("\(error.detail)")
            }
            switch outcome {
            case .acquired(let lock):
                return lock
            case .heldBy(let holder):
                let who = holder.map { "another leadgate forward (pid \($0))" } ?? "another leadgate forward"
                guard let parent else {
                    throw CommandFailure.unavailable("\(who) is already delivering from \(store); it delivers new and requeued "
                                                     + "changes too. Stop it first to deliver elsewhere")
                }
                if !announced {
                    Terminal.printWarning("\(who) is delivering from \(store); waiting for it to end")
                    announced = true
                }
                try? await Task.sleep(for: .milliseconds(250))
                if getppid() != parent { return nil }
            }
        }
    }

    /// Runs the loop until SIGINT, SIGTERM or SIGHUP (or, in the background, until the
    /// parent is gone), then lets the batch in flight finish: within 10 s, or the process
    /// exits anyway (the outbox keeps what was not recorded; it is sent again later).
    static func runUntilInterrupted(_ forwarder: Forwarder, parent: pid_t?) async -> DrainReport {
        let run = Task { await forwarder.run(until: .cancelled) }
        let stop: @Sendable () -> Void = {
            run.cancel()
            DispatchQueue.global().asyncAfter(deadline: .now() + 10) { exit(0) }
        }
        let sources = [SIGINT, SIGTERM, SIGHUP].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: stop)
            source.resume()
            return source
        }
        let watch = parent.map { parent in
            Task {
                while !Task.isCancelled {
                    if getppid() != parent {
                        stop()
                        return
                    }
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
        }
        let report = await run.value
        watch?.cancel()
        for source in sources { source.cancel() }
        return report
    }
}
