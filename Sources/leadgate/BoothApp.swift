import Foundation
import Gateway
import Leads
import LeadStore
import Logging
import TagReaders

/// The booth's event loop: taps, keys and a clock tick, handled one at a time so the
/// screen, the store and the note queue never race.
final class BoothApp {
    enum Input {
        case keys([UInt8])
        case endOfInput
        case tag(TagEvent)
        case tick
    }

    let session: BoothSession
    let reader: any TagReader
    let selection: ReaderSelection
    var state: BoothState
    let fullScreen: Bool
    let terminal = RawTerminal()
    /// Tap arrival to contact on screen, less the reader's own I/O, per tap.
    var latencies: [Duration] = []
    var notesSaved = 0
    var lastStatusRefresh = ContinuousClock.now - .seconds(10)
    var finished = false
    /// Extra work started with the loop (the demo's player), cancelled at the end.
    var companions: [Task<Void, Never>] = []

    init(session: BoothSession, reader: any TagReader, selection: ReaderSelection, title: String, fullScreen: Bool) {
        self.session = session
        self.reader = reader
        self.selection = selection
        self.fullScreen = fullScreen
        state = BoothState(event: session.builder.event, rep: session.builder.rep, title: title)
    }

    /// Runs until Ctrl-C (or Ctrl-D, or the end of standard input when it is not a terminal).
    func run() async {
        let (inputs, continuation) = AsyncStream.makeStream(of: Input.self, bufferingPolicy: .unbounded)
        let keys = Task {
            for await chunk in StandardInputReader.bytes() { continuation.yield(.keys(chunk)) }
            continuation.yield(.endOfInput)
        }
        let tags = Task { [reader, selection] in
            for await event in reader.events(on: selection) { continuation.yield(.tag(event)) }
        }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                continuation.yield(.tick)
            }
        }
        if fullScreen { terminal.enable() }
        refreshOutbox(force: true)
        draw()
        for await input in inputs {
            handle(input)
            if finished { break }
        }
        keys.cancel()
        tags.cancel()
        ticker.cancel()
        for task in companions { task.cancel() }
        terminal.restore()
    }

    func handle(_ input: Input) {
        switch input {
        case .tick:
            if let until = state.flashUntil, ContinuousClock.now >= until { state.flashUntil = nil }
            refreshOutbox(force: false)
            draw()
        case .endOfInput:
            // Piped input ran out: the session ends the way Ctrl-D ends it.
            if !fullScreen { finished = true }
        case .keys(let bytes):
            handleKeys(bytes)
            draw()
        case .tag(let event):
            handleTag(event)
        }
    }

    func handleKeys(_ bytes: [UInt8]) {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x03:  // Ctrl-C: every write is already committed, so leaving now loses nothing.
                finished = true
                return
            case 0x04:
                if state.input.isEmpty { finished = true; return }
            case 0x0D, 0x0A:
                submitNote()
            case 0x7F, 0x08:
                if !state.input.isEmpty { state.input.removeLast() }
            case 0x15:
                state.input = ""
            case 0x1B:
                // An escape sequence (arrow keys...): skip it.
                i += 1
                if i < bytes.count && (bytes[i] == 0x5B || bytes[i] == 0x4F) {
                    i += 1
                    while i < bytes.count && !(bytes[i] >= 0x40 && bytes[i] <= 0x7E) { i += 1 }
                }
            default:
                if b >= 0x20 {
                    // Collect a UTF-8 sequence whole.
                    var j = i + 1
                    while j < bytes.count && bytes[j] & 0xC0 == 0x80 { j += 1 }
                    state.input += String(decoding: bytes[i..<j], as: UTF8.self)
                    i = j
                    continue
                }
            }
            i += 1
        }
    }

    func submitNote() {
        let line = state.input.trimmingCharacters(in: .whitespaces)
        state.input = ""
        guard let current = state.pending.first else {
            if !line.isEmpty { state.message = "no tap waiting for a note; tap a card first" }
            return
        }
        state.pending.removeFirst()
        guard !line.isEmpty else {
            state.message = "skipped the note for \(current.headline)"
            return
        }
        do {
            let lead = try session.addNote(line, to: current.leadID)
            notesSaved += 1
            if let index = state.recent.firstIndex(where: { $0.headline == current.headline }) {
                state.recent[index].note = lead.note ?? ""
                state.recent[index].status = lead.status.rawValue
            }
            state.message = "saved: \(lead.status.rawValue), owner \(lead.owner), next \(lead.nextAction.action) by \(Self.shortTime(lead.nextAction.due))"
            if !fullScreen { Terminal.write("note: \(lead.id) \(state.message!)\n") }
        } catch {
            state.message = "could not save the note: \(error)"
            state.pending.insert(current, at: 0)
            state.input = line
        }
    }

    func handleTag(_ event: TagEvent) {
        switch event {
        case .serviceAvailable:
            state.serviceUp = true
            state.serviceMessage = nil
        case .serviceUnavailable(let error):
            state.serviceUp = false
            state.serviceMessage = error.code.description
            state.readers = [:]
        case .readerAdded(let name):
            state.readers[name] = false
        case .readerRemoved(let name):
            state.readers.removeValue(forKey: name)
        case .tagRemoved(let reader):
            state.readers[reader] = false
        case .tap(let tap):
            state.readers[tap.reader] = true
            do {
                switch try session.handle(tap) {
                case .captured(let captured):
                    state.captured += captured.merged ? 0 : 1
                    let lead = captured.lead
                    state.recent.insert(BoothState.Row(time: Date(), headline: lead.headline, status: lead.status.rawValue,
                                                       note: lead.note ?? "", merged: captured.merged), at: 0)
                    if state.recent.count > 50 { state.recent.removeLast() }
                    state.pending.append(BoothState.PendingNote(leadID: lead.id, headline: lead.headline, merged: captured.merged))
                    state.flashUntil = ContinuousClock.now + .milliseconds(400)
                    state.message = captured.issues.isEmpty ? nil : "tag content kept in the quarantine: \(captured.issues.first!)"
                    if fullScreen { Terminal.write("\u{7}") }
                    draw()
                    latencies.append(ContinuousClock.now - captured.arrival - captured.readerIO)
                    if !fullScreen {
                        // No screen (stdin or stdout is not a terminal): one line per tap, then
                        // notes come as lines on stdin, in tap order.
                        Terminal.write("tap: \(lead.headline)\(captured.merged ? " (merged)" : "") [\(lead.id)]\n")
                    }
                case .rejected(_, let reason):
                    state.message = "\u{1B}[1m\(reason)\u{1B}[0m"
                    if fullScreen { Terminal.write("\u{7}") }
                    draw()
                }
            } catch {
                state.message = "STORE FAILED, lead not saved: \(error)"
                draw()
            }
            refreshOutbox(force: true)
        }
        draw()
    }

    func refreshOutbox(force: Bool) {
        guard force || ContinuousClock.now - lastStatusRefresh > .seconds(1) else { return }
        lastStatusRefresh = .now
        guard let status = try? session.store.outboxStatus() else { return }
        state.queued = status.queued
        state.delivered = status.delivered
        state.deadLettered = status.deadLettered
        if let success = status.lastSuccess, status.lastErrorAt.map({ $0 <= success }) ?? true {
            state.connectivity = "online, last sync \(Self.shortTime(success))"
        } else if let errorAt = status.lastErrorAt {
            state.connectivity = "offline since \(Self.shortTime(errorAt)) (leads kept locally)"
        }
    }

    func draw() {
        if fullScreen {
            let size = RawTerminal.size()
            Terminal.write(BoothScreen.render(state, columns: size.columns, rows: size.rows))
        }
    }

    /// The plain summary printed after the screen is gone.
    func summary() -> String {
        var text = "\(state.title): \(state.captured) new lead(s), \(notesSaved) note(s) saved, stored in \(session.store.path)\n"
        if !state.pending.isEmpty { text += "\(state.pending.count) lead(s) left without a note: add one with `leadgate note ID TEXT`\n" }
        if let median = Self.median(latencies) {
            text += "tap to screen (without reader I/O): median \(Self.milliseconds(median)) over \(latencies.count) tap(s)\n"
        }
        return text
    }

    static func median(_ values: [Duration]) -> Duration? {
        values.isEmpty ? nil : values.sorted()[values.count / 2]
    }

    static func milliseconds(_ d: Duration) -> String {
        let (s, atto) = d.components
        return String(format: "%.2f ms", Double(s) * 1000 + Double(atto) / 1e15)
    }

    static func shortTime(_ date: Date) -> String {
        let f = DateFormatter()
        f.dateFormat = Calendar.current.isDateInToday(date) ? "HH:mm" : "EEE HH:mm"
        return f.string(from: date)
    }
}
