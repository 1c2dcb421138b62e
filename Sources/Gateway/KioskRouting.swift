import Leads

/// Who owns a kiosk lead: a domain rule (`acme.example=bob`) first, else the next owner in
/// the round-robin list, else the default owner.
///
/// The round-robin turn moves only for visitors who agree, so declines do not skew it.
/// It starts again from the first owner when the kiosk restarts.
public struct KioskRouting: Sendable {
    public var byDomain: LeadPolicy
    public var roundRobin: [String]
    public var defaultOwner: String
    var turn = 0

    public init(ownerByDomain: [String: String] = [:], roundRobin: [String] = [], defaultOwner: String) {
        byDomain = LeadPolicy(ownerByDomain: ownerByDomain)
        self.roundRobin = roundRobin
        self.defaultOwner = defaultOwner
    }

    /// The owner for a visitor who agreed; takes the round-robin turn when it is used.
    public mutating func owner(for contact: NormalizedContact) -> String {
        // An owner name cannot be empty, so "" means no domain rule matched.
        let routed = byDomain.owner(for: contact, rep: "")
        if !routed.isEmpty { return routed }
        guard !roundRobin.isEmpty else { return defaultOwner }
        defer { turn = (turn + 1) % roundRobin.count }
        return roundRobin[turn]
    }
}
