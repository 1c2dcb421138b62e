import Foundation
import Leads

extension LeadStore {
    /// `$LEADGATE_ACTOR`, else the OS user: who a change typed at this machine comes from.
    static func defaultActor(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        for key in ["LEADGATE_ACTOR", "USER", "LOGNAME"] {
            if let value = environment[key]?.trimmingCharacters(in: .whitespaces), !value.isEmpty { return value }
        }
        return NSUserName()
    }

    /// Who the changes recorded from now on are attributed to (each change event's `actor`):
    /// the rep in booth and kiosk mode, else `$LEADGATE_ACTOR` or the OS user.
    public var actor: String {
        get { actorName.withLock { $0 } }
        set { actorName.withLock { $0 = newValue } }
    }

    /// This store's gateway name, sent with every change (`gateway` in the event data, the
    /// shared store's `source_gateway`): `$LEADGATE_GATEWAY` when it is set, else the host
    /// name and six hex digits made once per store, so two stores on one host differ.
    public func gatewayName() throws(StoreError) -> String {
        try withDatabase { (db) throws(StoreError) in try meta("gateway", db: db) ?? "unknown" }
    }

    /// Records the gateway name if the store has none, or `$LEADGATE_GATEWAY` differs.
    func ensureGatewayName(environment: [String: String] = ProcessInfo.processInfo.environment) throws(StoreError) {
        try withDatabase { (db) throws(StoreError) in
            let current = try meta("gateway", db: db)
            if let wanted = environment["LEADGATE_GATEWAY"], !wanted.isEmpty {
                if wanted != current { try setMeta("gateway", wanted, db: db) }
                return
            }
            guard current == nil else { return }
            let suffix: String = String(format: "%06x", UInt32.random(in: 0..<0x100_0000))
            let host: String = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "leadgate"
            let name: String = host + "-" + suffix
            try db.statement("INSERT OR IGNORE INTO meta (key, value) VALUES ('gateway', ?)").run([.text(name)])
        }
    }

    /// An event's data as it is forwarded: with its `actor` (the capturing rep unless the
    /// change names another) and this store's `gateway`.
    static let attributedDataSQL = """
        json_patch(json_object('actor', l.rep, 'gateway', (SELECT value FROM meta WHERE key = 'gateway')), e.data)
        """
}
