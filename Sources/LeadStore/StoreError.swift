/// A failure of the local store, naming the SQLite call or the lookup that failed.
public struct StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// SQLite returned an error; `detail` has its message and `function` the call.
        public static let sqlite = Code("database error")
        /// No lead, quarantine entry or event has that id or id prefix.
        public static let notFound = Code("not found")
        /// An id prefix matches more than one row.
        public static let ambiguousID = Code("ambiguous id prefix")
        /// The file was written by a newer leadgate.
        public static let schemaTooNew = Code("store schema is newer than this leadgate")
        /// A stored row could not be decoded.
        public static let corruptRow = Code("stored row cannot be read")
        /// The store file or its folder cannot be created or opened.
        public static let cannotOpen = Code("cannot open the store")
    }

    public let code: Code
    /// The C function that failed, for SQLite errors.
    public let function: String?
    public let detail: String
    /// SQLite's result code, when there is one.
    public let resultCode: Int32?

    public init(_ code: Code, _ detail: String, function: String? = nil, resultCode: Int32? = nil) {
        self.code = code
        self.detail = detail
        self.function = function
        self.resultCode = resultCode
    }

    /// The disk (or the quota) is full: SQLite's SQLITE_FULL, which it also returns for a
    /// write that failed with ENOSPC, or the text of ENOSPC/EDQUOT from a call of our own.
    public var isOutOfSpace: Bool {
        (resultCode ?? 0) & 0xFF == 13 || detail.contains("No space left on device") || detail.contains("Disk quota exceeded")
    }

    public var description: String {
        if let function { return "\(code): \(function): \(detail)" }
        return "\(code): \(detail)"
    }
}
