import ContactFormats
import Foundation
import Leads
import LeadStore
import Logging

/// Turns a lead's profile link (the one URL a Popl, Linq, HiHello or Blinq card holds) into
/// its person's contact, off the tap path: the tap is stored and shown first, and what the
/// page says follows as an enrichment change event. A link that cannot be fetched or read
/// leaves a warning on the lead. Opt-in (`--resolve-links`, `leadgate resolve`): the link
/// comes from the tag and is fetched only within `LinkFetcher`'s bounds.
public struct ProfileLinkResolver: Sendable {
    public let fetcher: LinkFetcher
    public let normalizer: ContactNormalizer

    public init(fetcher: LinkFetcher, normalizer: ContactNormalizer) {
        self.fetcher = fetcher
        self.normalizer = normalizer
    }

    /// The lead's profile link: its first http(s) URL, for a lead without a name.
    public static func link(of lead: Lead) -> String? {
        guard lead.contact.fullName == nil else { return nil }
        return lead.contact.urls.first { $0.lowercased().hasPrefix("https://") || $0.lowercased().hasPrefix("http://") }
    }

    /// What the lead's link says, as an enrichment of it; nil for a lead without a link.
    public func enrichment(for lead: Lead) async -> LeadEnrichment? {
        guard let link = Self.link(of: lead) else { return nil }
        switch await contact(at: link) {
        case .success(let contact):
            return LeadEnrichment(leadID: lead.id, origin: .profileLink, contact: contact)
        case .failure(let reason):
            return LeadEnrichment(leadID: lead.id, origin: .profileLink, warnings: ["profile link \(link): \(reason.description)"])
        }
    }

    /// The contact at `link`: a vCard, JSON-LD Person or h-card on the page, or the vCard a
    /// "save contact" link on it leads to (one more fetch, with the same bounds).
    public func contact(at link: String) async -> Result<NormalizedContact, ImportError> {
        var target = link
        for _ in 0..<2 {
            let page: LinkFetcher.Page
            switch await fetcher.fetch(target) {
            case .failed(let reason): return .failure(ImportError(reason))
            case .page(let fetched): page = fetched
            }
            switch ProfilePage.extract(page.body, contentType: page.contentType, url: page.url) {
            case .card(let card, _):
                let contact = normalizer.normalize(card)
                guard contact.fullName != nil || !contact.emails.isEmpty || !contact.phones.isEmpty else {
                    return .failure(ImportError("the page's card holds no name, email or phone"))
                }
                return .success(contact)
            case .vcardLink(let url):
                target = url.absoluteString
            case .nothing:
                return .failure(ImportError("no contact on the page (no vCard, schema.org Person or h-card)"))
            }
        }
        return .failure(ImportError("the vCard link leads to another page, not a vCard"))
    }

    /// Resolves the links of `leads` one after another and stores each outcome as it comes.
    /// Returns the leads that changed.
    @discardableResult
    public func resolve(_ leads: [Lead], in store: LeadStore) async throws(StoreError) -> [Lead] {
        var changed: [Lead] = []
        for lead in leads {
            guard let enrichment = await enrichment(for: lead) else { continue }
            changed += try store.enrich([enrichment])
        }
        return changed
    }

    /// Booth's background worker: every `interval`, the event's new leads with an unresolved
    /// link (captured since `since`) are resolved, each once. Runs until cancelled.
    public func watch(_ store: LeadStore, event: String, since: Date, interval: Duration = .milliseconds(500), logger: Logger) async {
        var attempted = Set<String>()
        // Capture times are stored to the millisecond: a lead of the first millisecond
        // would read as captured before `since`.
        let since = since.addingTimeInterval(-0.001)
        while !Task.isCancelled {
            do {
                let pending = try store.unresolvedLeads(event: event)
                    .filter { $0.capturedAt >= since && !attempted.contains($0.id) && Self.link(of: $0) != nil }
                for lead in pending {
                    attempted.insert(lead.id)
                    let changed = try await resolve([lead], in: store)
                    logger.info("profile link resolved", metadata: ["lead.id": "\(lead.id)",
                                                                    "link.outcome": "\(changed.first?.warnings.isEmpty == false ? "warning" : "contact")"])
                }
            } catch {
                logger.warning("profile links: the store failed", metadata: ["store.error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
