import Foundation
import Gateway
import Leads

/// What the booth screen shows, kept apart from drawing it so it can be tested as text.
struct BoothState {
    struct Row {
        var time: Date
        var headline: String
        var status: String
        var note: String
        var merged: Bool
    }

    struct PendingNote {
        var leadID: String
        var headline: String
        var merged: Bool
    }

    var event: String
    var rep: String
    var title = "booth"
    var readers: [String: Bool] = [:]
    var serviceUp = true
    var serviceMessage: String?
    var recent: [Row] = []
    var pending: [PendingNote] = []
    var note = NoteLine()
    var input: String {
        get { note.text }
        set { note.text = newValue }
    }
    var message: String?
    var flashUntil: ContinuousClock.Instant?
    var queued = 0
    var delivered = 0
    var deadLettered = 0
    var forwarding = ForwardingHealth.off
    /// New leads this session (for the summary) and at this event since midnight (the header).
    var captured = 0
    var leadsToday = 0
    /// Ctrl-C was pressed once with a half-typed note: the next one quits.
    var quitArmed = false
    var hint: String?
    /// A line under the header that stays (the demo's store).
    var banner: String?

    var isFlashing: Bool { flashUntil.map { ContinuousClock.now < $0 } ?? false }
}

enum BoothScreen {
    /// The whole screen as text with ANSI attributes; lines are clipped to `columns`.
    static func render(_ s: BoothState, columns: Int, rows: Int) -> String {
        var lines: [String] = []
        let readerText: String
        if !s.serviceUp {
            readerText = "reader: PC/SC unavailable\(s.serviceMessage.map { " (\($0))" } ?? ""), retrying"
        } else if s.readers.isEmpty {
            readerText = "reader: none plugged in"
        } else {
            readerText = s.readers.keys.sorted().map { "\($0)\(s.readers[$0]! ? " [tag]" : "")" }.joined(separator: ", ")
        }
        let header = " leadgate \(s.title) | \(s.event) | rep \(s.rep) | \(readerText) "
        let counts = " \(s.leadsToday) lead\(s.leadsToday == 1 ? "" : "s") today · \(s.queued) waiting to send · \(s.delivered) sent"
            + (s.deadLettered > 0 ? " · \(s.deadLettered) refused (leadgate status --dead-letters)" : "") + " "
        let attribute = s.isFlashing ? "\u{1B}[7;1m" : "\u{1B}[1m"
        lines.append(attribute + clip(header, columns) + "\u{1B}[0m")
        lines.append(clip(counts, columns))
        switch s.forwarding.kind {
        case .misconfigured: lines.append("\u{1B}[1;31m" + clip(" " + s.forwarding.text, columns) + "\u{1B}[0m")
        case .offline: lines.append("\u{1B}[33m" + clip(" " + s.forwarding.text, columns) + "\u{1B}[0m")
        case .online, .off: lines.append(clip(" " + s.forwarding.text, columns))
        }
        if let banner = s.banner { lines.append(clip(" " + banner, columns)) }
        lines.append(String(repeating: "─", count: min(columns, 100)))
        lines.append("Last leads:")
        let time = DateFormatter()
        time.dateFormat = "HH:mm:ss"
        let visible = max(1, rows - 15)
        if s.recent.isEmpty { lines.append("  (none yet: tap a card, badge or phone on the reader)") }
        for row in s.recent.prefix(visible) {
            var text = "  \(time.string(from: row.time))  \(oneLine(row.headline))  [\(row.status)]"
            if row.merged { text += " (merged)" }
            if !row.note.isEmpty { text += "  \"\(oneLine(row.note))\"" }
            lines.append(clip(text, columns))
        }
        lines.append(String(repeating: "─", count: min(columns, 100)))
        if let current = s.pending.first {
            let marker = current.merged ? "same person again, merged" : "new lead"
            lines.append(clip("\u{1B}[1m▶ \(oneLine(current.headline))\u{1B}[0m  (\(marker))", columns + 8))
            if s.pending.count > 1 { lines.append("  \(s.pending.count - 1) more tap(s) waiting for a note") }
            lines.append("Note (one line, Enter to skip): " + oneLine(s.input))
        } else {
            lines.append("Waiting for a tap...")
            lines.append("")
        }
        lines.append("")
        if let message = s.message { lines.append(clip(message, columns)) }
        lines.append(clip("#hot #warm #cold status · #tag · @owner · next: call friday · ←→ Home End ^W edit · Ctrl-C quits"
                          + (s.hint.map { " · \($0)" } ?? ""), columns))
        var out = "\u{1B}[H"
        for line in lines { out += line + "\u{1B}[K\r\n" }
        out += "\u{1B}[J"
        // Park the cursor at the end of the note line, where the rep types.
        if let promptRow = lines.firstIndex(where: { $0.hasPrefix("Note (one line") }) {
            let column = min(columns, "Note (one line, Enter to skip): ".count + oneLine(s.note.beforeCursor).count + 1)
            out += "\u{1B}[\(promptRow + 1);\(column)H"
        }
        return out
    }

    /// Text from a tag or a note on one screen line: line breaks, tabs and other control
    /// characters (an escape sequence from a tag among them) become spaces.
    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }

    static func clip(_ text: String, _ columns: Int) -> String {
        text.count <= columns ? text : String(text.prefix(max(1, columns - 1))) + "…"
    }
}
