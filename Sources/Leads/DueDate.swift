import Foundation

/// Reads the due time of a next action as a rep types it: `friday`, `tomorrow 14:00`,
/// `2026-12-01`, `2026-12-01T15:30`, `+2d`, `in 3 hours`, `eod`.
///
/// A day without a time means 09:00 local time; a weekday means its next occurrence
/// (`friday` on a Friday is a week away).
public struct DueDate: Sendable {
    public var now: Date
    public var calendar: Calendar

    public init(now: Date = Date(), timeZone: TimeZone = .current) {
        self.now = now
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        calendar.locale = Locale(identifier: "en_US_POSIX")
        self.calendar = calendar
    }

    static let weekdays = ["sunday": 1, "monday": 2, "tuesday": 3, "wednesday": 4, "thursday": 5, "friday": 6, "saturday": 7,
                           "sun": 1, "mon": 2, "tue": 3, "tues": 3, "wed": 4, "thu": 5, "thur": 5, "thurs": 5, "fri": 6, "sat": 7]

    /// The time `text` names, or nil when it names none. Every word must be understood: a
    /// day followed by something that is not a time of day (`friday 25:00`) names none.
    public func parse(_ text: String) -> Date? {
        if case .date(let date) = read(text) { return date }
        return nil
    }

    /// Why `text` names no time: the part not understood, for an error message; nil when
    /// it reads.
    public func problem(_ text: String) -> String? {
        if case .unreadable(let reason) = read(text) { return reason }
        return nil
    }

    /// A due time read, or a phrase naming the part not understood.
    enum Reading {
        case date(Date)
        case unreadable(String)
    }

    func read(_ text: String) -> Reading {
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init).filter { $0 != "at" }
        guard let first = words.first else { return .unreadable("no time given") }
        if let absolute = Timestamp.parse(text.trimmingCharacters(in: .whitespaces)) { return .date(absolute) }
        if let relative = relativeOffset(words) { return .date(now.addingTimeInterval(relative)) }
        var day: Date?
        var rest = Array(words.dropFirst())
        switch first {
        case "today", "eod": day = startOfDay(now)
        case "tomorrow", "tmrw": day = calendar.date(byAdding: .day, value: 1, to: startOfDay(now))
        case "next" where rest.first.flatMap({ Self.weekdays[$0] }) != nil:
            day = nextWeekday(Self.weekdays[rest.removeFirst()]!)
        default:
            if let weekday = Self.weekdays[first] { day = nextWeekday(weekday) }
            else if let date = isoDay(first) { day = date }
            else if let (date, time) = isoDayAndTime(first) { day = date; rest.insert(time, at: 0) }
        }
        guard let day else {
            if isoDayShaped(first) { return .unreadable("\(first) is not a date (use YYYY-MM-DD)") }
            return .unreadable("\(first) is not a day leadgate reads (friday, tomorrow, 2026-12-01, +2d)")
        }
        guard rest.count <= 1 else {
            return .unreadable("\(rest.joined(separator: " ")) is not a time of day")
        }
        var time = first == "eod" ? (17, 0) : (9, 0)
        if let word = rest.first {
            guard let clock = clockTime(word) ?? Self.partsOfDay[word] else {
                return .unreadable("\(word) is not a time of day (use 14:00, 2pm or 9am)")
            }
            time = clock
        }
        guard let date = calendar.date(bySettingHour: time.0, minute: time.1, second: 0, of: day) else {
            return .unreadable("\(text) is not a time")
        }
        return .date(date)
    }

    static let partsOfDay: [String: (Int, Int)] = ["morning": (9, 0), "noon": (12, 0), "afternoon": (14, 0),
                                                   "evening": (18, 0), "eod": (17, 0)]

    /// `2026-13-01`: shaped like a day, but no such day.
    func isoDayShaped(_ word: String) -> Bool {
        let day = word.split(separator: "t").first.map(String.init) ?? word
        return day.split(separator: "-").count == 3 && day.allSatisfy { $0.isNumber || $0 == "-" }
    }

    /// Whether a word of a next action was probably meant as (part of) its due time: it has
    /// a digit, names a day or a part of one, or is a vague time (`someday`, `soon`) or a
    /// typo of a day. The note grammar warns about such words when they do not read.
    public static func looksLikeTime(_ word: String) -> Bool {
        let w = word.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".,;!?"))
        if w.contains(where: { $0.isNumber }) { return true }
        if weekdays[w] != nil || partsOfDay[w] != nil || vagueTimes.contains(w) { return true }
        if w.count >= 5 {
            for day in weekdays.keys where day.count >= 5 && editDistance(w, day) <= 2 { return true }
            for day in ["today", "tomorrow"] where editDistance(w, day) <= 2 { return true }
        }
        return false
    }

    static let vagueTimes: Set<String> = [
        "today", "tomorrow", "tmrw", "tonight", "someday", "sometime", "soon", "later", "asap", "eventually", "week",
        "month", "year", "weekend", "midnight", "eow", "eom", "eoy", "q1", "q2", "q3", "q4", "january", "february",
        "march", "april", "june", "july", "august", "september", "october", "november", "december",
    ]

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(1, b.count) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }

    func startOfDay(_ date: Date) -> Date { calendar.startOfDay(for: date) }

    func nextWeekday(_ weekday: Int) -> Date? {
        let today = calendar.component(.weekday, from: now)
        var ahead = (weekday - today + 7) % 7
        if ahead == 0 { ahead = 7 }
        return calendar.date(byAdding: .day, value: ahead, to: startOfDay(now))
    }

    func isoDay(_ word: String) -> Date? {
        let parts = word.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), parts[0].count == 4 else { return nil }
        // Calendar rolls 2026-13-01 over to 2027-01-01 and 2026-02-30 to March 2: a typo
        // would silently move a due date, so only days that exist are read.
        guard let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
              calendar.dateComponents([.year, .month, .day], from: date) == DateComponents(year: y, month: m, day: d) else { return nil }
        return date
    }

    func isoDayAndTime(_ word: String) -> (Date, String)? {
        guard let t = word.firstIndex(of: "t"), let day = isoDay(String(word[..<t])) else { return nil }
        return (day, String(word[word.index(after: t)...]))
    }

    /// `14:00`, `9`, `9am`, `2pm`, `14h`.
    func clockTime(_ word: String) -> (Int, Int)? {
        var w = word
        var pm = false, am = false
        if w.hasSuffix("pm") { pm = true; w.removeLast(2) } else if w.hasSuffix("am") { am = true; w.removeLast(2) }
        else if w.hasSuffix("h") { w.removeLast() }
        let parts = w.split(separator: ":")
        guard let h = parts.first.flatMap({ Int($0) }), parts.count <= 2 else { return nil }
        let m = parts.count == 2 ? Int(parts[1]) ?? -1 : 0
        var hour = h
        if pm && hour < 12 { hour += 12 }
        if am && hour == 12 { hour = 0 }
        guard (0..<24).contains(hour), (0..<60).contains(m) else { return nil }
        return (hour, m)
    }

    /// `+2d`, `+3h`, `in 2 days`, `in 90 minutes`, `2h`.
    func relativeOffset(_ words: [String]) -> TimeInterval? {
        var w = words
        if w.first == "in" { w.removeFirst() }
        var text = w.joined()
        if text.hasPrefix("+") { text.removeFirst() } else if words.first != "in" && !(text.last?.isLetter ?? false) { return nil }
        let digits = text.prefix(while: { $0.isNumber })
        guard let n = Int(digits), n > 0 else { return nil }
        let unit = text.dropFirst(digits.count)
        switch unit {
        case "m", "min", "mins", "minute", "minutes": return Double(n) * 60
        case "h", "hr", "hrs", "hour", "hours": return Double(n) * 3600
        case "d", "day", "days": return Double(n) * 86_400
        case "w", "wk", "week", "weeks": return Double(n) * 7 * 86_400
        default: return nil
        }
    }
}
