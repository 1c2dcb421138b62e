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
    /// The `--forward` destination and its problem, when it has one that no waiting fixes.
    var forwardSetting: ForwardSetting?
    var forwardLog: ForwardLogTail?
    let drafts: NoteDraft
    /// The names this booth's event has in the store (read once: the booth captures into one).
    var eventSpellings: [String] = []
    var lastCountRefresh = ContinuousClock.now - .seconds(60)

    init(session: BoothSession, reader: any TagReader, selection: ReaderSelection, title: String, fullScreen: Bool) {
        self.session = session
        self.reader = reader
        self.selection = selection
        self.fullScreen = fullScreen
        state = BoothState(event: session.builder.event, rep: session.builder.rep, title: title)
        drafts = NoteDraft(storePath: session.store.path)
    }

    /// Sets the header's forwarding line for `setting` (nil: no `--forward`).
    func forward(_ setting: ForwardSetting?) {
        forwardSetting = setting
        forwardLog = setting.map { _ in ForwardLogTail(storePath: session.store.path) }
        if let setting, let problem = setting.problem {
            state.forwarding = ForwardingHealth(kind: .misconfigured, text: "forward: \(problem): will not work, fix --forward and restart (leads kept here)")
        }
    }

    /// The event's earlier leads (a restarted booth shows what it had) and a note draft
    /// that a Ctrl-C left.
    func restore() {
        eventSpellings = Array(Set(((try? session.store.eventSpellings(session.builder.event)) ?? []) + [session.builder.event]))
        let earlier = (try? session.store.latestLeads(spellings: eventSpellings, limit: 50)) ?? []
        state.recent = earlier.map {
            BoothState.Row(time: $0.capturedAt, headline: $0.headline, status: $0.status.rawValue, note: $0.note ?? "", merged: false)
        }
        if let draft = drafts.take() {
            if let leadID = draft.leadID, let lead = try? session.store.lead(leadID) {
                state.pending.append(BoothState.PendingNote(leadID: lead.id, headline: lead.headline, merged: false))
            }
            state.input = draft.text
            state.message = "the note draft from last time is back: Enter saves it"
        }
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
        restore()
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
        keepDraft()
        terminal.restore()
        if let median = Self.median(latencies) {
            // For the README's figures, not for the rep: only with LEADGATE_LOG_LEVEL=info.
            Log.logger("leadgate.booth").info("tap to screen", metadata: [
                "booth.median_ms": "\(Self.milliseconds(median))", "booth.taps": "\(latencies.count)"])
        }
    }

    /// A half-typed note left at Ctrl-C: kept for the next booth on this store.
    func keepDraft() {
        let text = state.input.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return }
        drafts.keep(NoteDraft.Draft(leadID: state.pending.first?.leadID, text: text))
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
            if b != 0x03 && state.quitArmed {
                state.quitArmed = false
                state.message = nil
            }
            switch b {
            case 0x03:
                // Every write is already committed, so leaving loses nothing but a half-typed
                // note: with one, the first Ctrl-C only asks.
                if state.input.trimmingCharacters(in: .whitespaces).isEmpty || state.quitArmed || !fullScreen {
                    finished = true
                    return
                }
                state.quitArmed = true
                state.message = "\u{1B}[1mCtrl-C again to quit, the note is kept as a draft\u{1B}[0m"
            case 0x04:
                if state.input.isEmpty { finished = true; return }
                state.note.deleteForward()
            case 0x0D, 0x0A:
                submitNote()
            case 0x7F, 0x08:
                state.note.backspace()
            case 0x01: state.note.home()
            case 0x05: state.note.end()
            case 0x02: state.note.left()
            case 0x06: state.note.right()
            case 0x0B: state.note.deleteToEnd()
            case 0x15: state.note.deleteToStart()
            case 0x17: state.note.deleteWordBackward()
            case 0x1B:
                // An escape sequence: arrows, Home, End, Delete edit the line; others are skipped.
                let start = i + 1
                i += 1
                if i < bytes.count && (bytes[i] == 0x5B || bytes[i] == 0x4F) {
                    i += 1
                    while i < bytes.count && !(bytes[i] >= 0x40 && bytes[i] <= 0x7E) { i += 1 }
                    state.note.apply(escape: Array(bytes[start..<min(i + 1, bytes.count)]))
                }
            default:
                if b >= 0x20 {
                    // Collect a UTF-8 sequence whole.
                    var j = i + 1
                    while j < bytes.count && bytes[j] & 0xC0 == 0x80 { j += 1 }
                    state.note.insert(String(decoding: bytes[i..<j], as: UTF8.self))
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
            let now = Date()
            let lead = try session.addNote(line, to: current.leadID, now: now)
            notesSaved += 1
            if let index = state.recent.firstIndex(where: { $0.headline == current.headline }) {
                state.recent[index].note = lead.note ?? ""
                state.recent[index].status = lead.status.rawValue
            }
            state.message = "saved: \(lead.status.rawValue), owner \(lead.owner), next \(lead.nextAction.action) by \(Self.shortTime(lead.nextAction.due))"
            if let problem = NoteGrammar(now: now).parse(line).dueProblem {
                state.message = "\u{1B}[1;33mnext: \(BoothScreen.oneLine(problem)): due by the SLA instead; "
                    + "`leadgate set \(lead.id.prefix(8)) --due WHEN` fixes it\u{1B}[0m · " + state.message!
            }
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
                    state.message = captured.issues.isEmpty ? nil : "tag content kept in the quarantine: \(BoothScreen.oneLine(captured.issues.first!))"
                    if !captured.merged { state.leadsToday += 1 }
                    if fullScreen { Terminal.write("\u{7}") }
                    draw()
                    latencies.append(ContinuousClock.now - captured.arrival - captured.readerIO)
                    if !fullScreen {
                        // No screen (stdin or stdout is not a terminal): one line per tap, then
                        // notes come as lines on stdin, in tap order.
                        Terminal.write("tap: \(lead.headline)\(captured.merged ? " (merged)" : "") [\(lead.id)]\n")
                    }
                case .rejected(_, let reason):
                    state.message = "\u{1B}[1m\(BoothScreen.oneLine(reason))\u{1B}[0m"
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
        // Counted again now and then (another process may capture too, and midnight passes);
        // between two counts each new lead adds one.
        if ContinuousClock.now - lastCountRefresh > .seconds(30) {
            lastCountRefresh = .now
            if let today = try? session.store.leadCount(spellings: eventSpellings, capturedSince: Calendar.current.startOfDay(for: Date())) {
                state.leadsToday = today
            }
        }
        if let setting = forwardSetting, setting.problem == nil, let url = setting.url {
            state.forwarding = ForwardingHealth.assess(url: url, status: status, logLines: forwardLog?.lines() ?? [])
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
        if !state.input.trimmingCharacters(in: .whitespaces).isEmpty {
            text += "the half-typed note is kept as a draft: the next \(state.title) on this store brings it back\n"
        }
        if state.forwarding.kind == .misconfigured || state.forwarding.kind == .offline {
            text += "\(state.forwarding.text)\n"
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
