import ArgumentParser
import Forwarding
import Foundation

/// `--from URL` / `--shared`: read the team's shared PostgreSQL instead of the local store.
struct SharedStoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Read every gateway's leads from the team's shared store instead of the local one.",
        discussion: "A postgres:// URL, as given to leadgate forward --to.",
        valueName: "postgres-url"))
    var from: String?

    @Flag(name: .long, help: "Same as --from $LEADGATE_SHARED.")
    var shared = false

    /// The URL to read, or nil for the local store.
    func url(environment: [String: String] = ProcessInfo.processInfo.environment) throws(CommandFailure) -> String? {
        if let from { return from }
        guard shared else { return nil }
        guard let url = environment["LEADGATE_SHARED"], !url.isEmpty else {
            throw CommandFailure.usage("--shared: set LEADGATE_SHARED to the shared store's postgres:// URL, or give --from")
        }
        return url
    }

    /// Connects to the shared store, or nil for the local one.
    func open() throws(CommandFailure) -> SharedStore? {
        guard let url = try url() else { return nil }
        guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
            throw CommandFailure.usage("--from \(Destination.redacted(url)): use a postgres://... URL")
        }
        do {
            return try SharedStore(url: url)
        } catch {
            throw CommandFailure.unavailable("cannot read the shared store \(Destination.redacted(url)): \(error)")
        }
    }
}

extension CommandFailure {
    static func sharedStoreFailure(_ error: any Error, _ store: SharedStore) -> CommandFailure {
        CommandFailure.unavailable("shared store \(store.destination): \(error)")
    }
}

/// Shortest unique id prefixes (at least `minimum` characters) among `ids`, as `git` does.
func shortPrefixes(_ ids: [String], minimum: Int = 8) -> [String: String] {
    let sorted = ids.sorted()
    var out: [String: String] = [:]
    for (index, id) in sorted.enumerated() {
        var shared = 0
        for neighbour in [index > 0 ? sorted[index - 1] : nil, index + 1 < sorted.count ? sorted[index + 1] : nil].compactMap({ $0 }) {
            shared = max(shared, zip(id, neighbour).prefix(while: { $0 == $1 }).count)
        }
        out[id] = String(id.prefix(max(minimum, shared + 1)))
    }
    return out
}
