import ArgumentParser
import Foundation
import Leads
import LeadStore

/// `set`'s options that edit the contact by hand: a badge nobody could resolve, a card
/// with a typo. Each edit is a `contact_changed` event, forwarded like any other.
struct ContactEditOptions: ParsableArguments {
    @Option(help: "The person's full name.") var name: String?
    @Option(help: "Their email; it becomes the first (the one exports use), the others stay.") var email: String?
    @Option(help: "Their phone, as written; normalized to E.164 (--region for numbers without a country code).")
    var phone: String?
    @Option(help: "Their company.") var company: String?
    @Option(help: "Their job title.") var title: String?
    @Option(help: "Region for --phone without a country code (ISO 3166). Default: from the locale, else US.")
    var region: String?

    var isEmpty: Bool { name == nil && email == nil && phone == nil && company == nil && title == nil }

    func validate() throws {
        for (option, value) in [("--name", name), ("--email", email), ("--phone", phone), ("--company", company), ("--title", title)] {
            if let value, value.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("\(option) must not be empty") }
        }
        if let email, RosterKey.email(email) == nil { throw ValidationError("--email \(email): not an email address") }
        if let region, !PhoneNumberNormalizer.isSupported(region: region.uppercased()) {
            throw ValidationError("--region \(region): not a region libphonenumber knows (use an ISO 3166 code such as US, DE, GB)")
        }
    }

    /// The typed values as an enrichment of `leadID`, through the same normalizer as a card's.
    func enrichment(leadID: String) -> LeadEnrichment? {
        guard !isEmpty else { return nil }
        let normalizer = ContactNormalizer(region: region?.uppercased()
            ?? PhoneNumberNormalizer.defaultRegion(environment: ProcessInfo.processInfo.environment))
        let typed = RosterEntry(line: 0, fullName: name, organization: company, title: title, email: email, phone: phone)
        return LeadEnrichment(leadID: leadID, origin: .manual, contact: typed.contact(normalizer))
    }
}
