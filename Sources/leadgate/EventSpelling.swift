import Foundation
import LeadStore

/// The event a capture command stores into: when the store already has this event spelled
/// differently (`rsa 2026` against `RSA 2026`), its spelling, so one event never splits in two.
enum EventSpelling {
    /// The name to capture into, and the line that says a spelling was taken over (nil when
    /// `name` is used as given).
    static func resolve(_ name: String, in store: LeadStore) -> (name: String, notice: String?) {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard let existing = (try? store.eventSpellings(name))?.first else { return (trimmed, nil) }
        guard existing != name else { return (existing, nil) }
        return (existing, "--event \"\(name)\": the store has this event as \"\(existing)\"; using that spelling")
    }
}
