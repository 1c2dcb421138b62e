import Foundation
import Leads

extension LeadStore {
    /// Makes every queued change due now, clearing the retry times earlier runs set: a
    /// forwarder that starts (after a restart, or `leadgate forward --once` typed by hand)
    /// tries everything at once. Returns how many retry times were cleared.
    @discardableResult
    public func retryQueuedNow() throws(StoreError) -> Int {
        try withDatabase { (db) throws(StoreError) in
            try db.statement("UPDATE lead_events SET next_attempt_at = NULL WHERE seq >= \(Self.outboxFloor) AND state = 'queued' AND next_attempt_at IS NOT NULL").run()
            return db.changes
        }
    }
}

extension LeadStore {
    /// Records a forwarding failure that concerned no change in particular (the destination
    /// could not be reached before anything was sent), for `outboxStatus().lastError`.
    public func recordForwardingError(_ message: String, at: Date = Date()) throws(StoreError) {
        try withDatabase { (db) throws(StoreError) in
            try db.transaction { () throws(StoreError) in
                try setMeta("last_error", message, db: db)
                try setMeta("last_error_at", Timestamp.format(at), db: db)
            }
        }
    }
}
