import Foundation
import Leads

extension LeadStore {
    /// The newest leads of an event (however its name is spelled), newest first: what a
    /// booth screen shows again after a restart.
    public func latestLeads(event: String, limit: Int) throws(StoreError) -> [Lead] {
        try latestLeads(spellings: try eventFilter(event), limit: limit)
    }

    /// The newest leads stored under any of these event names, newest first.
    public func latestLeads(spellings: [String], limit: Int) throws(StoreError) -> [Lead] {
        guard !spellings.isEmpty else { return [] }
        return try withDatabase { (db) throws(StoreError) in
            let statement = try db.statement("""
                SELECT id, json FROM leads WHERE event IN (\(spellings.map { _ in "?" }.joined(separator: ", ")))
                ORDER BY captured_at DESC, rowid DESC LIMIT \(max(0, limit))
                """)
            try statement.bind(spellings.map { .text($0) })
            var leads: [Lead] = []
            while try statement.step() { leads.append(try decodeLead(statement.text(1) ?? "", id: statement.text(0) ?? "?")) }
            return leads
        }
    }

    /// How many leads of an event were captured since `start` (a booth's "leads today").
    public func leadCount(event: String, capturedSince start: Date) throws(StoreError) -> Int {
        try leadCount(spellings: try eventFilter(event), capturedSince: start)
    }

    /// How many leads stored under any of these event names were captured since `start`.
    public func leadCount(spellings: [String], capturedSince start: Date) throws(StoreError) -> Int {
        guard !spellings.isEmpty else { return 0 }
        return try withDatabase { (db) throws(StoreError) in
            let statement = try db.statement("""
                SELECT count(*) FROM leads WHERE event IN (\(spellings.map { _ in "?" }.joined(separator: ", "))) AND captured_at >= ?
                """)
            try statement.bind(spellings.map { .text($0) } + [.text(Timestamp.format(start))])
            _ = try statement.step()
            return statement.int(0) ?? 0
        }
    }
}
