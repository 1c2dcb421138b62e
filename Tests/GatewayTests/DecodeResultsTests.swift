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
    static func worker(_ results: DecodeResults, _ index: Int, part: Int = 0) -> DispatchSemaphore {
        let passed = DispatchSemaphore(value: 0)
        Thread {
            results.waitForRoom(index, part: part)
            passed.signal()
        }.start()
        return passed
    }

    @Test func workersWaitWhileLargeResultsAreHeldForTheWriter() {
        let results = DecodeResults(count: 4, window: 64, byteBudget: 1000)
        results.put(1, part: 0, Self.decoded(bytes: 5000), last: true)  // decoded ahead of input 0
        let third = Self.worker(results, 2)
        #expect(third.wait(timeout: .now() + 0.3) == .timedOut, "a worker read another input while 5000 bytes were held")
        // The input the writer waits for always has room, or the import could never go on.
        let first = Self.worker(results, 0)
        #expect(first.wait(timeout: .now() + 5) == .success)
        results.put(0, part: 0, Self.decoded(bytes: 10), last: true)
        _ = results.take(0, part: 0)
        _ = results.take(1, part: 0)
        #expect(third.wait(timeout: .now() + 5) == .success)
    }

    @Test func smallResultsOnlyWaitForTheWindow() {
        let results = DecodeResults(count: 100, window: 4, byteBudget: 1 << 20)
        for index in 1..<4 { results.put(index, part: 0, Self.decoded(bytes: 100), last: true) }
        #expect(Self.worker(results, 3).wait(timeout: .now() + 5) == .success)
        let beyond = Self.worker(results, 4)
        #expect(beyond.wait(timeout: .now() + 0.3) == .timedOut)
        results.put(0, part: 0, Self.decoded(bytes: 100), last: true)
        _ = results.take(0, part: 0)
        #expect(beyond.wait(timeout: .now() + 5) == .success)
    }

    /// A big file comes in pieces: the worker decoding it stays within the byte budget too,
    /// but the piece the writer waits for always has room.
    @Test func piecesOfOneFileWaitForTheWriter() {
        let results = DecodeResults(count: 2, window: 64, byteBudget: 1000)
        #expect(Self.worker(results, 0, part: 0).wait(timeout: .now() + 5) == .success)
        results.put(0, part: 0, Self.decoded(bytes: 5000), last: false)
        let second = Self.worker(results, 0, part: 1)
        #expect(second.wait(timeout: .now() + 0.3) == .timedOut, "a second piece was decoded while 5000 bytes were held")
        let taken = results.take(0, part: 0)
        #expect(!taken.last)
        #expect(second.wait(timeout: .now() + 5) == .success)
        results.put(0, part: 1, Self.decoded(bytes: 10), last: true)
        // Until the file's last piece is taken, the next input is ahead of the writer.
        results.put(1, part: 0, Self.decoded(bytes: 5000), last: true)
        #expect(results.take(0, part: 1).last)
        #expect(results.take(1, part: 0).last)
    }

    @Test func cancellingReleasesEveryWaitingWorker() {
        let results = DecodeResults(count: 10, window: 1, byteBudget: 1)
        let waiting = (3..<6).map { Self.worker(results, $0) }
        results.cancel()
        for worker in waiting { #expect(worker.wait(timeout: .now() + 5) == .success) }
    }
}
