import Foundation

/// The rules every new lead goes through: who owns it and what happens next, by when.
public struct LeadPolicy: Sendable, Hashable {
    /// Time from capture to the first follow-up's due time (the event's SLA).
    public var followUpWithin: Duration
    /// The action a new lead starts with.
    public var firstAction: String
    /// Owner by email domain (`acme.example` -> `bob`); the rep owns everything else.
    public var ownerByDomain: [String: String]

    public static let defaultSLA: Duration = .seconds(24 * 3600)

    public init(followUpWithin: Duration = LeadPolicy.defaultSLA, firstAction: String = "follow up",
                ownerByDomain: [String: String] = [:]) {
        self.followUpWithin = followUpWithin
        self.firstAction = firstAction
        self.ownerByDomain = ownerByDomain
    }

    /// The rep unless a domain rule routes one of the contact's emails to someone else.
    public func owner(for contact: NormalizedContact, rep: String) -> String {
        guard !ownerByDomain.isEmpty else { return rep }
        for email in contact.emails {
            guard let at = email.lastIndex(of: "@") else { continue }
            var domain = Substring(email[email.index(after: at)...])
            // The most specific rule wins: sales.acme.example before acme.example.
            while true {
                if let owner = ownerByDomain[String(domain)] { return owner }
                guard let dot = domain.firstIndex(of: ".") else { break }
                domain = domain[domain.index(after: dot)...]
            }
        }
        return rep
    }

    public func nextAction(capturedAt: Date) -> NextAction {
        let (seconds, attoseconds) = followUpWithin.components
        return NextAction(action: firstAction,
                          due: capturedAt.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18))
    }

    /// Parses an SLA such as `24h`, `90m`, `2d`, `1h30m` or a number of seconds.
    public static func parseDuration(_ text: String) -> Duration? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !t.isEmpty else { return nil }
        if let seconds = Int(t), seconds > 0 { return .seconds(seconds) }
        var total = 0, number = 0, sawDigit = false
        for c in t {
            if let d = c.wholeNumberValue, c.isASCII { number = number * 10 + d; sawDigit = true; continue }
            guard sawDigit else { return nil }
            switch c {
            case "d": total += number * 86_400
            case "h": total += number * 3600
            case "m": total += number * 60
            case "s": total += number
            case "w": total += number * 7 * 86_400
            default: return nil
            }
            number = 0
            sawDigit = false
        }
        guard !sawDigit, total > 0 else { return nil }
        return .seconds(total)
    }
}
