import Foundation

/// The one-line note a rep types after a tap, read for its commands.
///
/// `#hot` `#warm` `#cold` set the status; any other `#word` is a tag; `@name` assigns the
/// owner; `next: ACTION [WHEN]` sets the next action and, when WHEN reads as a time
/// (`friday`, `tomorrow 14:00`, `2026-12-01`, `+2d`), its due time. `next:` takes the rest
/// of the line. Everything else is the note, spaces tidied.
public struct NoteGrammar: Sendable {
    public var dueDates: DueDate

    public init(now: Date = Date(), timeZone: TimeZone = .current) {
        dueDates = DueDate(now: now, timeZone: timeZone)
    }

    public func parse(_ line: String) -> ParsedNote {
        var result = ParsedNote()
        var noteWords: [Substring] = []
        var nextWords: [Substring]?
        for word in line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
            if word.count > 1, word.first == "#" {
                let name = word.dropFirst().trimmingCharacters(in: CharacterSet(charactersIn: ".,;!?")).lowercased()
                if let status = LeadStatus(rawValue: name), status != .new { result.status = status }
                else if !name.isEmpty && !result.tags.contains(name) { result.tags.append(name) }
                continue
            }
            if word.count > 1, word.first == "@", !word.dropFirst().contains("@") {
                result.owner = word.dropFirst().trimmingCharacters(in: CharacterSet(charactersIn: ".,;!?"))
                continue
            }
            if nextWords != nil { nextWords!.append(word); continue }
            let lower = word.lowercased()
            if lower == "next:" { nextWords = []; continue }
            if lower.hasPrefix("next:") { nextWords = [word.dropFirst(5)]; continue }
            noteWords.append(word)
        }
        if let words = nextWords, !words.isEmpty {
            // The longest tail that reads as a time is the due time; the rest is the action.
            var split = words.count
            for start in 0..<words.count {
                if dueDates.parse(words[start...].joined(separator: " ")) != nil { split = start; break }
            }
            // Words at the end of the action that look meant as a time but do not read as
            // one (`someday`, `friday 25:00`) stay in the action, and the rep hears of it.
            if split == words.count {
                var start = words.count
                while start > 1, DueDate.looksLikeTime(String(words[start - 1])) { start -= 1 }
                if start < words.count {
                    let tail = words[start...].joined(separator: " ")
                    result.dueProblem = dueDates.problem(tail) ?? "\(tail) is not a time leadgate reads"
                }
            }
            let action = words[..<split].joined(separator: " ")
            result.nextAction = action.isEmpty ? nil : action
            if split < words.count { result.due = dueDates.parse(words[split...].joined(separator: " ")) }
            if result.nextAction == nil && result.due != nil { result.nextAction = "follow up" }
        }
        let note = noteWords.joined(separator: " ")
        result.note = note.isEmpty ? nil : note
        return result
    }
}

/// What a note line says: the note itself and the changes it asks for.
public struct ParsedNote: Sendable, Hashable {
    public var note: String?
    public var status: LeadStatus?
    public var owner: String?
    public var tags: [String] = []
    public var nextAction: String?
    public var due: Date?
    /// The end of `next:` looked like a due time but did not read as one: what was not
    /// understood, for a warning. The action keeps those words; the due time is the SLA's.
    public var dueProblem: String?

    public init() {}
}
