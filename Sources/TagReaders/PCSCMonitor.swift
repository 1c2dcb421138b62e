import Dispatch
import Logging
import Synchronization

/// Watches PC/SC readers from one dedicated thread and turns what changes into tag events.
///
/// ``run()`` owns the PC/SC context and everything it learns about readers; only the stop
/// request crosses threads, through ``control``.
final class PCSCMonitor: ReaderMonitor {
    /// How long one `SCardGetStatusChange` waits. `SCardCancel` ends a wait at once, but a
    /// cancel that lands just before the wait begins is lost (pcsc-lite drops it), so a wait
    /// never lasts longer than this and the stop flag is looked at in between.
    static let waitLimitMilliseconds: UInt = 1000

    private struct Control {
        var context: PCSCContext?
        var isStopped = false
    }

    /// What is known of one reader between waits.
    private struct Watched {
        var isTagPresent = false
        var eventCount: UInt?
        /// The UID and NDEF of the tag read last, to recognize it after a pcscd restart.
        var lastRead: TagFingerprint?
        /// When that tag was last seen leaving.
        var removedAt: ContinuousClock.Instant?

        /// The tag that was lying on the reader when the reader or pcscd went away. A pcscd
        /// that stops first reports its cards removed, so a removal just before counts too.
        var lyingTag: TagFingerprint? {
            guard let lastRead else { return nil }
            if isTagPresent { return lastRead }
            guard let removedAt, ContinuousClock.now - removedAt < PCSCMonitor.shutdownGrace else { return nil }
            return lastRead
        }
    }

    /// How long before pcscd or a reader goes away a removal is taken as part of its going.
    static let shutdownGrace: Duration = .seconds(2)

    private struct TagFingerprint: Equatable {
        var uid: [UInt8]
        var ndefMessage: [UInt8]?
    }

    /// A tag that lay on a reader when the reader or pcscd went away.
    private struct LyingTag {
        var fingerprint: TagFingerprint
        /// Set when the reader is back: past this, finding the same tag is a new tap.
        var expires: ContinuousClock.Instant?
    }

    /// How long after a reader is back a tag found on it may be the one that lay there.
    static let reappearanceGrace: Duration = .seconds(5)

    /// The monitor thread's own state.
    private struct Watch {
        var readers: [String: Watched] = [:]
        /// Tags that sat on a reader when pcscd or the reader went away, which are not reported
        /// again when the same tag is found there once they are back.
        var tagsBeforeOutage: [String: LyingTag] = [:]
    }

    let library: any PCSCLibrary
    let selection: ReaderSelection
    let logger: Logger
    let retryInterval: Duration
    let continuation: AsyncStream<TagEvent>.Continuation
    private let control = Mutex(Control())
    /// Signalled by ``stop()`` to cut short the pause between attempts to reach pcscd.
    private let wakeUp = DispatchSemaphore(value: 0)

    init(library: any PCSCLibrary, selection: ReaderSelection, logger: Logger, retryInterval: Duration,
         continuation: AsyncStream<TagEvent>.Continuation) {
        self.library = library
        self.selection = selection
        self.logger = logger
        self.retryInterval = retryInterval
        self.continuation = continuation
    }

    /// Asks ``run()`` to return; callable from any thread.
    ///
    /// The cancel is made under the lock: ``run()`` clears ``Control/context`` under the same
    /// lock before it releases the context, so `SCardCancel` never reaches a context that
    /// `SCardReleaseContext` is freeing (libpcsclite looks the context up without a lock).
    func stop() {
        control.withLock { control in
            control.isStopped = true
            if let context = control.context { library.cancel(context) }
        }
        wakeUp.signal()
    }

    private var isStopped: Bool { control.withLock { $0.isStopped } }

    /// Watches until ``stop()``, then finishes the stream. Call it on a dedicated thread.
    func run() {
        var watch = Watch()
        var isServiceKnownDown = false
        var hasBeenUp = false
        while !isStopped {
            let context: PCSCContext
            do {
                context = try library.establishContext()
            } catch {
                if !isServiceKnownDown {
                    isServiceKnownDown = true
                    logger.warning("PC/SC service unavailable; retrying", metadata: ["pcsc.error": "\(error)"])
                    continuation.yield(.serviceUnavailable(error))
                }
                pause()
                continue
            }
            let adopted = control.withLock { control in
                if !control.isStopped { control.context = context }
                return !control.isStopped
            }
            guard adopted else {
                library.releaseContext(context)
                break
            }
            if isServiceKnownDown || !hasBeenUp {
                logger.info("PC/SC service available")
                continuation.yield(.serviceAvailable)
            }
            hasBeenUp = true
            isServiceKnownDown = false

            var failure: TagReaderError?
            do {
                try watchReaders(context, &watch)
            } catch {
                failure = error
            }
            control.withLock { $0.context = nil }
            library.releaseContext(context)
            guard let failure, failure.code != .cancelled, !isStopped else { break }
            if failure.code == .serviceUnavailable {
                loseService(failure, &watch)
                isServiceKnownDown = true
            } else {
                logger.error("PC/SC wait failed; starting over", metadata: ["pcsc.error": "\(failure)"])
            }
            pause()
        }
        continuation.finish()
    }

    /// Waits for the retry interval, or less if stopped meanwhile.
    private func pause() {
        let nanoseconds = retryInterval.components.seconds * 1_000_000_000 + retryInterval.components.attoseconds / 1_000_000_000
        _ = wakeUp.wait(timeout: .now() + .nanoseconds(Int(nanoseconds)))
    }

    private func loseService(_ error: TagReaderError, _ watch: inout Watch) {
        logger.warning("PC/SC service lost; retrying", metadata: ["pcsc.error": "\(error)"])
        for (name, watched) in watch.readers.sorted(by: { $0.key < $1.key }) {
            if let lyingTag = watched.lyingTag { watch.tagsBeforeOutage[name] = LyingTag(fingerprint: lyingTag) }
            continuation.yield(.readerRemoved(name))
        }
        watch.readers = [:]
        continuation.yield(.serviceUnavailable(error))
    }

    /// Waits for changes on the readers and the PnP pseudo-reader until an error or a cancel.
    private func watchReaders(_ context: PCSCContext, _ watch: inout Watch) throws(TagReaderError) {
        var states = [PCSCReaderState(reader: PCSCReaderState.plugAndPlayReader)]
        try refreshReaders(context, &states, &watch)
        while !isStopped {
            guard try library.getStatusChange(context, timeout: Self.waitLimitMilliseconds, states: &states) else { continue }
            let noticed = ContinuousClock.now
            var readersChanged = false
            for index in states.indices where states[index].hasChanged {
                let state = states[index]
                states[index].currentState = state.eventState & ~PCSCState.changed
                if state.isPlugAndPlay || state.isGone {
                    readersChanged = true
                } else {
                    try update(state, context: context, noticed: noticed, &watch)
                }
            }
            if readersChanged { try refreshReaders(context, &states, &watch) }
        }
        throw TagReaderError(.cancelled, "the tap stream ended")
    }

    /// Lists the readers again and reports the ones that came and went.
    private func refreshReaders(_ context: PCSCContext, _ states: inout [PCSCReaderState],
                                _ watch: inout Watch) throws(TagReaderError) {
        let all = try library.listReaders(context)
        let names = all.filter { selection.includes($0, among: all) }
        for name in watch.readers.keys.sorted() where !names.contains(name) {
            // pcscd stopping removes its readers before the connection drops, so this is
            // where a lying tag is remembered across a restart.
            if let lyingTag = watch.readers[name]?.lyingTag { watch.tagsBeforeOutage[name] = LyingTag(fingerprint: lyingTag) }
            watch.readers[name] = nil
            logger.info("Reader removed", metadata: ["pcsc.reader": "\(name)"])
            continuation.yield(.readerRemoved(name))
        }
        for name in names where watch.readers[name] == nil {
            watch.readers[name] = Watched()
            watch.tagsBeforeOutage[name]?.expires = .now + Self.reappearanceGrace
            logger.info("Reader added", metadata: ["pcsc.reader": "\(name)"])
            continuation.yield(.readerAdded(name))
        }
        let known = Dictionary(states.map { ($0.reader, $0) }, uniquingKeysWith: { first, _ in first })
        states = [known[PCSCReaderState.plugAndPlayReader] ?? PCSCReaderState(reader: PCSCReaderState.plugAndPlayReader)]
            + names.map { known[$0] ?? PCSCReaderState(reader: $0) }
    }

    /// Reads a tag that arrived, once; notes one that left.
    private func update(_ state: PCSCReaderState, context: PCSCContext, noticed: ContinuousClock.Instant,
                        _ watch: inout Watch) throws(TagReaderError) {
        var watched = watch.readers[state.reader] ?? Watched()
        defer { watch.readers[state.reader] = watched }
        if state.isTagPresent {
            // Present before and the same insertion count: the tag is still lying there.
            let isArrival = !watched.isTagPresent || watched.eventCount != state.eventCount
            watched.isTagPresent = true
            watched.eventCount = state.eventCount
            guard isArrival else { return }
            let tap = try readTag(on: state.reader, atr: state.atr, context: context, noticed: noticed)
            let fingerprint = TagFingerprint(uid: tap.uid, ndefMessage: tap.ndefMessage)
            watched.lastRead = tap.isComplete ? fingerprint : nil
            watched.removedAt = nil
            if let before = watch.tagsBeforeOutage.removeValue(forKey: state.reader), tap.isComplete,
               before.fingerprint == fingerprint, before.expires.map({ ContinuousClock.now < $0 }) ?? true {
                logger.info("Tag still on the reader after a PC/SC restart; not reported again",
                            metadata: ["pcsc.reader": "\(state.reader)"])
                return
            }
            continuation.yield(.tap(tap))
        } else if state.eventState & PCSCState.empty != 0 {
            let wasPresent = watched.isTagPresent
            // A reader that comes back starts empty until the tag on it is seen again.
            if wasPresent { watch.tagsBeforeOutage[state.reader] = nil }
            watched.isTagPresent = false
            watched.eventCount = state.eventCount
            if wasPresent { watched.removedAt = .now }
            if wasPresent { continuation.yield(.tagRemoved(reader: state.reader)) }
        }
    }

    /// Connects to the tag and reads it; only a lost service is thrown, anything else is a tap
    /// that says what interrupted it.
    ///
    /// A read cut short by a reset or power-down of a tag that is still there (another program
    /// connecting to the same tag, or pcscd powering it up, answers `SCARD_W_RESET_CARD` or
    /// `SCARD_W_UNPOWERED_CARD` to this connection) is read once more on a fresh connection:
    /// its interrupted tap would carry the ATR's type only (`iso14443_4` for a Type 4 tag) and
    /// no NDEF. If the retry cannot even connect, the first, interrupted tap stands.
    private func readTag(on reader: String, atr: [UInt8], context: PCSCContext,
                         noticed: ContinuousClock.Instant) throws(TagReaderError) -> Tap {
        let tap = try readTagOnce(on: reader, atr: atr, context: context, noticed: noticed)
        guard let interruption = tap.interruption,
              interruption.result == PCSCResult.resetCard || interruption.result == PCSCResult.unpoweredCard
        else { return tap }
        logger.info("Tag reset during a read; reading it again", metadata: [
            "pcsc.reader": "\(reader)", "pcsc.error": "\(interruption)",
        ])
        let retry = try readTagOnce(on: reader, atr: atr, context: context, noticed: noticed)
        return retry.interruption?.function == "SCardConnect" ? tap : retry
    }

    private func readTagOnce(on reader: String, atr: [UInt8], context: PCSCContext,
                             noticed: ContinuousClock.Instant) throws(TagReaderError) -> Tap {
        let session = TagSession(reader: reader, atr: atr, logger: logger)
        let connectStart = ContinuousClock.now
        let channel: PCSCCardChannel
        do {
            channel = PCSCCardChannel(library: library, card: try library.connect(context, reader: reader))
        } catch {
            if error.code == .serviceUnavailable || error.code == .cancelled { throw error }
            return session.interrupted(by: error, arrival: noticed, connectDuration: .now - connectStart)
        }
        let tap = session.read(from: channel, arrival: noticed, connectDuration: .now - connectStart)
        logger.info("Tag read", metadata: [
            "pcsc.reader": "\(reader)", "tag.type": "\(tap.tagType)", "tag.format": "\(tap.format)",
            "tag.commands": "\(tap.commandCount)", "tag.bytes_read": "\(tap.bytesRead.count)",
            "tag.complete": "\(tap.isComplete)", "tag.own_us": "\(tap.timings.own.microseconds)",
        ])
        return tap
    }
}
