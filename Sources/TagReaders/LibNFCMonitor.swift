import Dispatch
import Logging
import Synchronization

/// Watches one libnfc device from one dedicated thread: selects the tag in the field, reads
/// it once, then checks at a bounded rate that it is still there, and reopens the device
/// when it comes back after an unplug.
///
/// ``run()`` owns the libnfc context and device; only the stop request crosses threads.
/// libnfc's own abort (`nfc_abort_command`) is not used: every call returns within about a
/// second (a select gives up after 300 ms), and the stop flag is looked at between calls.
final class LibNFCMonitor: ReaderMonitor {
    /// The device to open; `nil` is libnfc's default device.
    let connstring: String?
    let logger: Logger
    let retryInterval: Duration
    let presenceInterval: Duration
    /// For a device that a scan found: if it cannot be opened at once (pcscd holds it, most
    /// likely), it is left alone rather than retried for ever.
    let isDiscovered: Bool
    let continuation: AsyncStream<TagEvent>.Continuation
    private let stopped = Mutex(false)
    /// Signalled by ``stop()`` to cut short a pause.
    private let wakeUp = DispatchSemaphore(value: 0)

    init(connstring: String?, logger: Logger, retryInterval: Duration, presenceInterval: Duration,
         isDiscovered: Bool, continuation: AsyncStream<TagEvent>.Continuation) {
        self.connstring = connstring
        self.logger = logger
        self.retryInterval = retryInterval
        self.presenceInterval = presenceInterval
        self.isDiscovered = isDiscovered
        self.continuation = continuation
    }

    /// The name of a libnfc reader in taps and events: `nfc:` and its connection string,
    /// which is also what `--reader` takes.
    static func readerName(_ connstring: String) -> String { "nfc:" + connstring }

    /// Asks ``run()`` to return, closing the device; callable from any thread.
    func stop() {
        stopped.withLock { $0 = true }
        wakeUp.signal()
    }

    private var isStopped: Bool { stopped.withLock { $0 } }

    /// Waits `duration` or until stopped; `true` if stopped.
    private func pause(_ duration: Duration) -> Bool {
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        _ = wakeUp.wait(timeout: .now() + .nanoseconds(Int(nanoseconds)))
        return isStopped
    }

    /// Watches until ``stop()``, then closes the device and finishes the stream. Call it on a
    /// dedicated thread.
    func run() {
        defer { continuation.finish() }
        let context: LibNFCContext
        do {
            context = try LibNFCContext()
        } catch {
            logger.error("libnfc unavailable", metadata: ["nfc.error": "\(error)"])
            continuation.yield(.serviceUnavailable(error))
            return
        }
        var isKnownDown = false
        var hasBeenUp = false
        while !isStopped {
            var lost: TagReaderError?
            do {
                let device = try context.open(connstring)
                let name = Self.readerName(connstring ?? device.connstring)
                if isKnownDown || !hasBeenUp { continuation.yield(.serviceAvailable) }
                isKnownDown = false
                hasBeenUp = true
                logger.info("libnfc reader added", metadata: ["nfc.reader": "\(name)", "nfc.device": "\(device.name)"])
                continuation.yield(.readerAdded(name))
                lost = watch(device, name: name)
                if let lost {
                    logger.warning("libnfc reader lost; retrying", metadata: ["nfc.reader": "\(name)", "nfc.error": "\(lost)"])
                    continuation.yield(.readerRemoved(name))
                    continuation.yield(.serviceUnavailable(lost))
                    isKnownDown = true
                }
                // The device closes here, as its last reference goes.
            } catch {
                if isDiscovered && !hasBeenUp {
                    logger.info("libnfc device found but not opened; leaving it alone", metadata: ["nfc.error": "\(error)"])
                    return
                }
                if !isKnownDown {
                    isKnownDown = true
                    logger.warning("libnfc device unavailable; retrying", metadata: ["nfc.error": "\(error)"])
                    continuation.yield(.serviceUnavailable(error))
                }
                lost = error
            }
            if lost != nil, pause(retryInterval) { break }
        }
    }

    /// Polls the open device for tags until stopped (`nil`) or the device is lost (its error).
    private func watch(_ device: LibNFCDevice, name: String) -> TagReaderError? {
        while !isStopped {
            let target: LibNFCTarget?
            do {
                target = try device.selectTypeA()
            } catch {
                if error.code == .readerUnavailable { return error }
                // A garbled answer or a tag that left during the select: poll again, paced.
                logger.debug("libnfc select failed", metadata: ["nfc.error": "\(error)"])
                if pause(.milliseconds(100)) { return nil }
                continue
            }
            guard let target else { continue }
            let tap = read(target, on: device, name: name, noticed: .now)
            if let interruption = tap.interruption, interruption.code == .readerUnavailable {
                // The reader went, not the tag: the tag is read again once the reader is back.
                return interruption
            }
            continuation.yield(.tap(tap))
            // One tap per stay: look again every presenceInterval until the tag is gone.
            while true {
                if pause(presenceInterval) { return nil }
                do {
                    try device.checkTargetPresent()
                } catch {
                    if error.code == .readerUnavailable { return error }
                    continuation.yield(.tagRemoved(reader: name))
                    break
                }
            }
        }
        return nil
    }

    private func read(_ target: LibNFCTarget, on device: LibNFCDevice, name: String,
                      noticed: ContinuousClock.Instant) -> Tap {
        let session = TagSession(reader: name, atr: AnswerToReset(libNFCTarget: target).bytes, logger: logger)
        let channel = LibNFCCardChannel(device: device, target: target)
        var tap = session.read(from: channel, arrival: noticed)
        // The UID came with the select: only the commands that reached the tag count.
        tap.commandCount = channel.exchanges
        logger.info("Tag read", metadata: [
            "nfc.reader": "\(name)", "tag.type": "\(tap.tagType)", "tag.format": "\(tap.format)",
            "tag.commands": "\(tap.commandCount)", "tag.bytes_read": "\(tap.bytesRead.count)",
            "tag.complete": "\(tap.isComplete)", "tag.own_us": "\(tap.timings.own.microseconds)",
        ])
        return tap
    }
}
