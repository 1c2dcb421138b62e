/// Which readers a tap stream watches: all of them, or those a name picks.
public enum ReaderSelection: Sendable, Hashable {
    case all
    /// The reader with exactly this name, else every reader whose name contains it (any case).
    case named(String)

    public func includes(_ reader: String, among readers: [String]) -> Bool {
        switch self {
        case .all:
            return true
        case .named(let name):
            if readers.contains(name) { return reader == name }
            return reader.lowercased().contains(name.lowercased())
        }
    }
}
