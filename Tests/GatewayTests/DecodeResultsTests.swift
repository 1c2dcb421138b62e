import Foundation
@testable import Gateway
import Leads
import LeadStore
import Testing

/// The hand-off between decode workers and the writer, which keeps an import's memory bounded.
@Suite struct DecodeResultsTests {
    static func decoded(bytes: Int) -> ImportJob.Decoded {
        ImportJob.Decoded(rejects: [QuarantineEntry(origin: "big.bin", byteOffset: 0, reason: "noise", mediaType: nil,
                                                    raw: [UInt8](repeating: 0, count: bytes), event: "E", rep: "r")])
    }

    /// Starts a worker that waits for room for `index`; the semaphore is signalled when it may go on.
    static func worker(_ results: DecodeResults, _ index: Int) -> DispatchSemaphore {
        let passed = DispatchSemaphore(value: 0)
        Thread {
            results.waitForRoom(index)
            passed.signal()
        }.start()
        return passed
    }

    @Test func workersWaitWhileLargeResultsAreHeldForTheWriter() {
        let results = DecodeResults(count: 4, window: 64, byteBudget: 1000)
        results.put(1, Self.decoded(bytes: 5000))  // decoded ahead of input 0
        let third = Self.worker(results, 2)
        #expect(third.wait(timeout: .now() + 0.3) == .timedOut, "a worker read another input while 5000 bytes were held")
        // The input the writer waits for always has room, or the import could never go on.
        let first = Self.worker(results, 0)
        #expect(first.wait(timeout: .now() + 5) == .success)
        results.put(0, Self.decoded(bytes: 10))
        _ = results.take(0)
        _ = results.take(1)
        #expect(third.wait(timeout: .now() + 5) == .success)
    }

    @Test func smallResultsOnlyWaitForTheWindow() {
        let results = DecodeResults(count: 100, window: 4, byteBudget: 1 << 20)
        for index in 1..<4 { results.put(index, Self.decoded(bytes: 100)) }
        #expect(Self.worker(results, 3).wait(timeout: .now() + 5) == .success)
        let beyond = Self.worker(results, 4)
        #expect(beyond.wait(timeout: .now() + 0.3) == .timedOut)
        results.put(0, Self.decoded(bytes: 100))
        _ = results.take(0)
        #expect(beyond.wait(timeout: .now() + 5) == .success)
    }

    @Test func cancellingReleasesEveryWaitingWorker() {
        let results = DecodeResults(count: 10, window: 1, byteBudget: 1)
        let waiting = (3..<6).map { Self.worker(results, $0) }
        results.cancel()
        for worker in waiting { #expect(worker.wait(timeout: .now() + 5) == .success) }
    }
}
