import Foundation
import Leads

extension LeadStore {
    /// Puts dead-lettered changes back in the queue, due now: those whose event id or lead
    /// id is in `ids`, or all of them when `ids` is nil. Their reason stays in `last_error`
    /// until the next try. Returns how many were requeued, and the ids that matched no dead
    /// letter.
    ///
    /// Lowers the outbox floor to the oldest requeued event: the forwarder reads the queue
    /// from there, and a dead letter is older than the floor the queue had moved on to.
    public func requeueDeadLetters(_ ids: [String]?) throws(StoreError) -> (requeued: Int, unmatched: [String]) {
        try withDatabase { (db) throws(StoreError) in
            try db.transaction { () throws(StoreError) -> (requeued: Int, unmatched: [String]) in
                var requeued = 0
                var unmatched: [String] = []
                var oldest: Int?
                func requeue(_ condition: String, _ values: [SQLValue]) throws(StoreError) -> Int {
                    let first = try db.statement("SELECT min(seq) FROM lead_events WHERE state = 'dead' AND \(condition)")
                    try first.bind(values)
                    _ = try first.step()
                    let seq = first.int(0)
                    first.reset()
                    guard let seq else { return 0 }
                    oldest = min(oldest ?? seq, seq)
                    try db.statement("UPDATE lead_events SET state = 'queued', next_attempt_at = NULL WHERE state = 'dead' AND \(condition)")
                        .run(values)
                    return db.changes
                }
                if let ids {
                    for id in ids {
                        let count = try requeue("(id = ? OR lead_id = ?)", [.text(id), .text(id)])
                        if count == 0 { unmatched.append(id) }
                        requeued += count
                    }
                } else {
                    requeued = try requeue("1", [])
                }
                if let oldest {
                    let floor = Int(try meta("outbox_floor", db: db) ?? "") ?? 0
                    if oldest < floor { try setMeta("outbox_floor", String(oldest), db: db) }
                }
                return (requeued, unmatched)
            }
        }
    }
}
