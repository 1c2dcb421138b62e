import ArgumentParser
import Foundation
import Gateway
import Leads

/// The options that shape new leads: event, rep, SLA, routing, phone region.
struct CaptureOptions: ParsableArguments {
    @Option(help: "The event the leads were met at, e.g. \"RSA 2026\".")
    var event: String

    @Option(help: "The rep who met them; owns each lead unless --route says otherwise.")
    var rep: String

    @Option(help: "Time to the first follow-up: 24h, 90m, 2d, 1h30m.")
    var sla: String = "24h"

    @Option(help: ArgumentHelp("Route leads by email domain to an owner: acme.example=bob. Repeatable.", valueName: "domain=owner"))
    var route: [String] = []

    @Option(help: "Region for phone numbers without a country code (ISO 3166, e.g. DE). Default: from the locale, else US.")
    var region: String?

    func validate() throws {
        guard !event.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--event must not be empty") }
        guard !rep.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--rep must not be empty") }
        guard LeadPolicy.parseDuration(sla) != nil else { throw ValidationError("--sla \(sla): use a duration such as 24h, 90m or 2d") }
        for rule in route where rule.split(separator: "=").count != 2 {
            throw ValidationError("--route \(rule): use domain=owner, e.g. acme.example=bob")
        }
        if let region, !PhoneNumberNormalizer.isSupported(region: region.uppercased()) {
            throw ValidationError("--region \(region): not a region libphonenumber knows (use an ISO 3166 code such as US, DE, GB)")
        }
    }

    var policy: LeadPolicy {
        var routes: [String: String] = [:]
        for rule in route {
            let parts = rule.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            routes[parts[0].lowercased()] = parts[1]
        }
        return LeadPolicy(followUpWithin: LeadPolicy.parseDuration(sla) ?? LeadPolicy.defaultSLA, ownerByDomain: routes)
    }

    var normalizer: ContactNormalizer {
        ContactNormalizer(region: region?.uppercased() ?? PhoneNumberNormalizer.defaultRegion(environment: ProcessInfo.processInfo.environment))
    }

    var builder: CaptureBuilder {
        CaptureBuilder(event: event, rep: rep, policy: policy, normalizer: normalizer)
    }
}
