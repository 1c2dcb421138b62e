import Foundation

extension LeadStore {
    /// How the store has spelled the event `name`: every stored event name equal to it
    /// without regard to case, surrounding spaces and runs of spaces, most leads first.
    /// Empty when the store has no lead at such an event.
    public func eventSpellings(_ name: String) throws(StoreError) -> [String] {
        let key = Self.eventKey(name)
        return try withDatabase { (db) throws(StoreError) in
            // The (event, dedupe key) index serves this without reading the leads.
            let statement = try db.statement("SELECT event, count(*) FROM leads GROUP BY event ORDER BY count(*) DESC, event")
            var spellings: [String] = []
            while try statement.step() {
                if let event = statement.text(0), Self.eventKey(event) == key { spellings.append(event) }
            }
            return spellings
        }
    }

    /// The spellings to filter on: the stored ones, else `name` as given (which then finds nothing).
    func eventFilter(_ name: String) throws(StoreError) -> [String] {
        let spellings = try eventSpellings(name)
        return spellings.isEmpty ? [name] : spellings
    }

    /// An event name reduced to what tells two events apart.
    public static func eventKey(_ name: String) -> String {
        name.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").lowercased()
    }
}
