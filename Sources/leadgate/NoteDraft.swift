import Foundation

/// A half-typed note that Ctrl-C left on the booth screen, kept in `<store>.note-draft`
/// (0600, like the store: it may name a person) until the next booth on the store takes it.
struct NoteDraft {
    struct Draft: Codable, Equatable {
        var leadID: String?
        var text: String
    }

    let path: String

    init(storePath: String) { path = storePath + ".note-draft" }

    func keep(_ draft: Draft) {
        guard let data = try? JSONEncoder().encode(draft) else { return }
        FileManager.default.createFile(atPath: path, contents: data, attributes: [.posixPermissions: 0o600])
    }

    /// The draft, removed from disk; nil when there is none.
    func take() -> Draft? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        try? FileManager.default.removeItem(atPath: path)
        return try? JSONDecoder().decode(Draft.self, from: data)
    }
}
