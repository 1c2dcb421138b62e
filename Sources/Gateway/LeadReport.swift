import Foundation
import Leads

/// The figures a manager reads after the show, per rep and per owner.
public struct LeadReport: Sendable {
    public struct Row: Sendable, Hashable {
        /// The rep (or, in `byOwner`, the owner) the row counts.
        public var rep: String
        public var captured: Int
        public var withNote: Int
        public var overdue: Int
        public var hot: Int
        /// Leads that reached the shared store.
        public var forwarded: Int
        /// Median time from capture to first arrival in the shared store.
        public var medianToSharedStore: TimeInterval?
        /// Leads someone followed up (`leadgate done`).
        public var contacted: Int
        /// Leads nobody has followed up yet.
        public var neverContacted: Int { captured - contacted }
        /// Speed-to-lead: median and 90th percentile time from capture to first contact.
        public var medianSpeedToLead: TimeInterval?
        public var p90SpeedToLead: TimeInterval?
    }

    /// Per rep who captured.
    public var rows: [Row]
    /// Per owner of the follow-up.
    public var byOwner: [Row]
    public var total: Row

    /// `firstDelivered` maps a lead id to when it first reached the shared store,
    /// `firstContacted` to when it was first followed up.
    public init(leads: [Lead], firstDelivered: [String: Date], firstContacted: [String: Date] = [:], now: Date) {
        func row(_ name: String, _ leads: [Lead]) -> Row {
            let delivery = leads.compactMap { lead in firstDelivered[lead.id].map { $0.timeIntervalSince(lead.capturedAt) } }.sorted()
            let contact = leads.compactMap { lead in firstContacted[lead.id].map { $0.timeIntervalSince(lead.capturedAt) } }.sorted()
            return Row(rep: name, captured: leads.count, withNote: leads.filter { $0.note != nil }.count,
                       overdue: leads.filter { $0.isOverdue(at: now) }.count,
                       hot: leads.filter { $0.status == .hot }.count, forwarded: delivery.count,
                       medianToSharedStore: Self.percentile(delivery, 0.5), contacted: contact.count,
                       medianSpeedToLead: Self.percentile(contact, 0.5), p90SpeedToLead: Self.percentile(contact, 0.9))
        }
        let byRep = Dictionary(grouping: leads, by: \.rep)
        rows = byRep.keys.sorted().map { row($0, byRep[$0]!) }
        let owners = Dictionary(grouping: leads, by: \.owner)
        byOwner = owners.keys.sorted().map { row($0, owners[$0]!) }
        total = row("all", leads)
    }

    /// The nearest-rank percentile of sorted values; nil for none.
    static func percentile(_ sorted: [TimeInterval], _ fraction: Double) -> TimeInterval? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    public static func duration(_ seconds: TimeInterval?) -> String {
        guard let seconds else { return "-" }
        if seconds < 1 { return String(format: "%.0f ms", seconds * 1000) }
        if seconds < 120 { return String(format: "%.1f s", seconds) }
        if seconds < 7200 { return String(format: "%.0f min", seconds / 60) }
        return String(format: "%.1f h", seconds / 3600)
    }
}
