import Foundation
import Leads

/// The figures a manager reads after the show, per rep.
public struct LeadReport: Sendable {
    public struct Row: Sendable, Hashable {
        public var rep: String
        public var captured: Int
        public var withNote: Int
        public var overdue: Int
        public var hot: Int
        /// Leads that reached the shared store.
        public var forwarded: Int
        /// Median time from capture to first arrival in the shared store.
        public var medianSpeedToLead: TimeInterval?
    }

    public var rows: [Row]
    public var total: Row

    /// `firstDelivered` maps a lead id to when it first reached the shared store.
    public init(leads: [Lead], firstDelivered: [String: Date], now: Date) {
        func row(_ rep: String, _ leads: [Lead]) -> Row {
            let speeds = leads.compactMap { lead in firstDelivered[lead.id].map { $0.timeIntervalSince(lead.capturedAt) } }.sorted()
            return Row(rep: rep, captured: leads.count, withNote: leads.filter { $0.note != nil }.count,
                       overdue: leads.filter { $0.nextAction.due < now }.count,
                       hot: leads.filter { $0.status == .hot }.count, forwarded: speeds.count,
                       medianSpeedToLead: speeds.isEmpty ? nil : speeds[speeds.count / 2])
        }
        let byRep = Dictionary(grouping: leads, by: \.rep)
        rows = byRep.keys.sorted().map { row($0, byRep[$0]!) }
        total = row("all", leads)
    }

    public static func duration(_ seconds: TimeInterval?) -> String {
        guard let seconds else { return "-" }
        if seconds < 1 { return String(format: "%.0f ms", seconds * 1000) }
        if seconds < 120 { return String(format: "%.1f s", seconds) }
        if seconds < 7200 { return String(format: "%.0f min", seconds / 60) }
        return String(format: "%.1f h", seconds / 3600)
    }
}
