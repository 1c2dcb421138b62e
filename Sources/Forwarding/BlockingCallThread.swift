import Foundation
import LeadStore

/// A thread of its own for calls that block (libpq, SQLite's fsync), so they never hold a
/// thread of Swift's cooperative pool; async callers wait on a continuation.
///
/// Jobs run one at a time in the order they were given, which also makes the thread the
/// owner of whatever state only its jobs touch (a sink's connection).
final class BlockingCallThread: Sendable {
    private let queue: JobQueue

    init(name: String) {
        let queue = JobQueue()
        self.queue = queue
        let thread = Thread { queue.work() }
        thread.name = name
        thread.start()
    }

    deinit { queue.stop() }

    /// Runs a call on `store` here; its errors become `.store` errors.
    func run<T: Sendable>(on store: LeadStore, _ body: @escaping @Sendable (LeadStore) throws(StoreError) -> T) async throws(ForwardingError) -> T {
        try await run { () throws(ForwardingError) -> T in
            do throws(StoreError) {
                return try body(store)
            } catch {
                throw ForwardingError(.store, error.description, function: error.function)
            }
        }
    }

    /// Runs `body` on the thread and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws(ForwardingError) -> T) async throws(ForwardingError) -> T {
        let result: Result<T, ForwardingError> = await withCheckedContinuation { continuation in
            queue.add {
                do throws(ForwardingError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Runs `body` on the thread, for work that cannot fail.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.add { continuation.resume(returning: body()) }
        }
    }
}

/// The jobs waiting for a `BlockingCallThread`.
private final class JobQueue: @unchecked Sendable {
    // `@unchecked Sendable`: `jobs` and `stopped` are read and written only while holding `condition`.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var stopped = false

    func add(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once the jobs already given have run.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    func work() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll()
            condition.unlock()
            for job in batch { job() }
        }
    }
}
