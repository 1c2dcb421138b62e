extension PhoneNumberNormalizer {
    /// The region to assume when `--region` is not given: the territory of the first locale
    /// variable set among LC_ALL, LC_MESSAGES and LANG ("en_GB.UTF-8" -> "GB"), else "US".
    ///
    /// The order is POSIX's precedence, so a set LC_ALL decides even when it is "C". An empty
    /// variable counts as unset, as in POSIX. "C", "POSIX", a locale without a territory
    /// ("en") or a territory libphonenumber doesn't know give "US": a fixed answer rather than
    /// a guess, which `--region` overrides.
    public static func defaultRegion(environment: [String: String]) -> String {
        defaultRegion(environment: environment, library: .libphonenumber)
    }

    static func defaultRegion(environment: [String: String], library: PhoneNumberLibrary) -> String {
        for variable in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let locale = environment[variable], !locale.isEmpty else { continue }
            if let territory = territory(ofLocale: locale), isSupported(region: territory, library: library) {
                return territory.asciiUppercased()
            }
            return "US"
        }
        return "US"
    }

    /// "GB" in "en_GB.UTF-8@euro": after "_" (or "-", as BCP 47 tags are sometimes set), before
    /// "." or "@"; nil when there is none or it isn't two letters (e.g. "es_419").
    static func territory(ofLocale locale: String) -> String? {
        let name = locale.prefix { $0 != "." && $0 != "@" }
        guard let separator = name.firstIndex(where: { $0 == "_" || $0 == "-" }) else { return nil }
        let territory = name[name.index(after: separator)...]
        guard territory.utf8.count == 2, territory.utf8.allSatisfy(\.isASCIILetter) else { return nil }
        return String(territory)
    }
}
