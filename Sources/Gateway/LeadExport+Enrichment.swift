import Leads

extension Lead {
    /// The roster key that found the person, as `kind:value` (`code:XK42`), or empty.
    var rosterKeyText: String {
        source.matched.map { "\($0.key):\($0.value)" } ?? ""
    }

    /// What a vCard has no property for, as extensions an address book keeps: the badge's
    /// tag UID and the roster key that found the person. (The profile link is a URL already.)
    var leadgateVCardLines: [String] {
        var lines: [String] = []
        if let uid = source.tagUID { lines.append("X-LEADGATE-TAG-UID:" + LeadExport.escape(uid)) }
        if let matched = source.matched { lines.append("X-LEADGATE-ROSTER-KEY:" + LeadExport.escape("\(matched.key):\(matched.value)")) }
        return lines
    }
}
