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
    var input = ""
    var message: String?
    var flashUntil: ContinuousClock.Instant?
    var queued = 0
    var delivered = 0
    var deadLettered = 0
    var connectivity = "local only"
    var captured = 0
    var hint: String?

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
        let counts = " leads \(s.captured) | queued \(s.queued) | forwarded \(s.delivered)\(s.deadLettered > 0 ? " | dead \(s.deadLettered)" : "") | \(s.connectivity) "
        let attribute = s.isFlashing ? "\u{1B}[7;1m" : "\u{1B}[1m"
        lines.append(attribute + clip(header, columns) + "\u{1B}[0m")
        lines.append(clip(counts, columns))
        lines.append(String(repeating: "─", count: min(columns, 100)))
        lines.append("Last leads:")
        let time = DateFormatter()
        time.dateFormat = "HH:mm:ss"
        let visible = max(1, rows - 12)
        if s.recent.isEmpty { lines.append("  (none yet: tap a card, badge or phone on the reader)") }
        for row in s.recent.prefix(visible) {
            var text = "  \(time.string(from: row.time))  \(row.headline)  [\(row.status)]"
            if row.merged { text += " (merged)" }
            if !row.note.isEmpty { text += "  \"\(row.note)\"" }
            lines.append(clip(text, columns))
        }
        lines.append(String(repeating: "─", count: min(columns, 100)))
        if let current = s.pending.first {
            let marker = current.merged ? "same person again, merged" : "new lead"
            lines.append(clip("\u{1B}[1m▶ \(current.headline)\u{1B}[0m  (\(marker))", columns + 8))
            if s.pending.count > 1 { lines.append("  \(s.pending.count - 1) more tap(s) waiting for a note") }
            lines.append("Note (one line, Enter to skip): " + s.input)
        } else {
            lines.append("Waiting for a tap...")
            lines.append("")
        }
        lines.append("")
        if let message = s.message { lines.append(clip(message, columns)) }
        lines.append(clip("#hot #warm #cold status · #tag · @owner · next: call friday · Ctrl-C quits" + (s.hint.map { " · \($0)" } ?? ""), columns))
        var out = "\u{1B}[H"
        for line in lines { out += line + "\u{1B}[K\r\n" }
        out += "\u{1B}[J"
        // Park the cursor at the end of the note line, where the rep types.
        if let promptRow = lines.firstIndex(where: { $0.hasPrefix("Note (one line") }) {
            let column = min(columns, lines[promptRow].count + 1)
            out += "\u{1B}[\(promptRow + 1);\(column)H"
        }
        return out
    }

    static func clip(_ text: String, _ columns: Int) -> String {
        text.count <= columns ? text : String(text.prefix(max(1, columns - 1))) + "…"
    }
}
