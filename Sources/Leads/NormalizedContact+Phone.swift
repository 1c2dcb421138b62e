extension NormalizedContact {
    /// A phone number as written and, when libphonenumber can read it, in E.164.
    public struct Phone: Sendable, Hashable {
        /// The number as written, trimmed, without a leading "tel:"; an extension stays here.
        public var number: String
        /// "+15550100"; nil when the number isn't a possible one for its country.
        public var e164: String?
        /// The card's TYPE values, lower-cased: "cell", "work", "pref".
        public var types: [String]

        public init(number: String, e164: String?, types: [String] = []) {
            self.number = number
            self.e164 = e164
            self.types = types
        }
    }
}
