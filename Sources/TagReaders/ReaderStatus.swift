/// A reader attached now, and whether a tag is on it.
public struct ReaderStatus: Sendable, Hashable {
    public var name: String
    public var isTagPresent: Bool
    /// The tag's ATR when one is present.
    public var atr: [UInt8]

    public init(name: String, isTagPresent: Bool, atr: [UInt8] = []) {
        self.name = name
        self.isTagPresent = isTagPresent
        self.atr = atr
    }
}
