import Foundation
import Gateway
import Leads
import LeadStore
import Testing
import TestSupport

/// Profile links fetched from Hardware/profile_server.py on loopback: the contact from each
/// kind of page, and every bound holding against the hostile ones.
@Suite(.serialized)
struct ProfileLinkTests {
    static func resolver(allowLoopback: Bool = true) -> ProfileLinkResolver {
        ProfileLinkResolver(fetcher: LinkFetcher(policy: LinkFetcher.Policy(allowLoopback: allowLoopback)),
                            normalizer: ContactNormalizer(region: "US"))
    }

    static func contact(_ url: String, allowLoopback: Bool = true) async throws -> NormalizedContact {
        try await resolver(allowLoopback: allowLoopback).contact(at: url).get()
    }

    static func failure(_ url: String, allowLoopback: Bool = true) async -> String? {
        if case .failure(let error) = await resolver(allowLoopback: allowLoopback).contact(at: url) { return error.description }
        return nil
    }

    @Test func takesTheContactFromEachKindOfProfilePage() async throws {
        let server = try await ProfileServer()

        let viaLink = try await Self.contact(server.url("vcard-page"))
        let vcard = try await Self.contact(server.url("card.vcf"))
        let jsonLD = try await Self.contact(server.url("jsonld"))
        let hCard = try await Self.contact(server.url("hcard"))
        let threeRedirects = try await Self.contact(server.url("hop/2"))

        #expect(viaLink.fullName == "Jane Doe" && viaLink.organization == "Acme Corp" && viaLink.title == "CTO")
        #expect(viaLink.emails == ["jane@acme.example"] && viaLink.phones.first?.e164 == "+14155550100")
        #expect(vcard.fullName == "Carl Card" && vcard.emails == ["carl@card.example"])
        #expect(jsonLD.fullName == "Bob Stone" && jsonLD.givenName == "Bob" && jsonLD.familyName == "Stone")
        #expect(jsonLD.organization == "Globex, Inc." && jsonLD.title == "VP Sales")
        #expect(jsonLD.emails == ["bob@globex.example"] && jsonLD.phones.first?.e164 == "+14155550111")
        #expect(hCard.fullName == "Ann & Lee" && hCard.organization == "Initech" && hCard.title == "Engineer")
        #expect(hCard.emails == ["ann@initech.example"] && hCard.urls == ["https://initech.example/ann"])
        #expect(threeRedirects.fullName == "Bob Stone")
    }

    @Test func holdsEveryBoundAgainstHostilePages() async throws {
        let server = try await ProfileServer()
        let clock = ContinuousClock()

        #expect(await Self.failure(server.url("big")) == "the page is larger than 512 KB")
        #expect(await Self.failure(server.url("loop")) == "more than 3 redirects")
        #expect(await Self.failure(server.url("hop/3")) == "more than 3 redirects")
        #expect(await Self.failure(server.url("to-private")) == "10.1.2.3 is a private address (10.1.2.3); refused")
        #expect(await Self.failure(server.url("to-metadata")) == "169.254.169.254 is a link-local address (169.254.169.254); refused")
        #expect(await Self.failure(server.url("nothing"))?.hasPrefix("no contact on the page") == true)
        let start = clock.now
        #expect(await Self.failure(server.url("slow")) == "no answer within 3 s")
        let waited = clock.now - start
        print("slow profile page refused after \(waited)")
        #expect(waited >= .milliseconds(2900) && waited < .milliseconds(4000), "\(waited)")
        // Without the test allowance: no loopback, no plain http, https only.
        #expect(await Self.failure(server.url("jsonld"), allowLoopback: false)
            == "plain http is refused (https only)")
        #expect(await Self.failure("https://127.0.0.1:1/x", allowLoopback: false) == "127.0.0.1 is a loopback address (127.0.0.1); refused")
        #expect(await Self.failure("https://[::1]:1/x", allowLoopback: false) == "::1 is a loopback address (0:0:0:0:0:0:0:1); refused")
        #expect(await Self.failure("ftp://example.com/x") == "only https links are fetched")
    }

    @Test func booksTheTapFirstThenTheContactAsAnEnrichmentEventOrAWarning() async throws {
        let server = try await ProfileServer()
        let w = try Workspace()
        func capture(_ url: String) throws -> Lead {
            let source = LeadSource(channel: .tap, reader: "r", tagUID: nil, tagType: "ntag213", format: "uri")
            let candidate = LeadCandidate.make(contact: NormalizedContact(urls: [url]), raw: RawPayload(mediaType: "text/uri-list", bytes: Array(url.utf8)),
                                               source: source, event: "RSA 2026", rep: "alice", policy: LeadPolicy())
            return try #require(try w.store.capture(candidate).lead)
        }
        let since = Date()
        let resolver = Self.resolver()
        let store = w.store
        let worker = Task.detached { await resolver.watch(store, event: "RSA 2026", since: since, interval: .milliseconds(100), logger: quietLogger) }
        defer { worker.cancel() }
        let bob = try capture(server.url("jsonld"))
        let loop = try capture(server.url("loop"))
        #expect(bob.contact.fullName == nil)

        try await waitUntil(seconds: 30) {
            guard let stored = try? w.store.lead(bob.id), let failed = try? w.store.lead(loop.id) else { return false }
            return stored.contact.fullName != nil && !failed.warnings.isEmpty
        }
        let stored = try w.store.lead(bob.id)
        #expect(stored.contact.fullName == "Bob Stone" && stored.contact.urls.first == server.url("jsonld"))
        #expect(stored.raw == bob.raw)
        #expect(try w.store.events(forLead: bob.id).map(\.kind) == ["created", "enriched"])
        #expect(try w.store.events(forLead: bob.id)[1].data.contains("\"via\":\"profile_link\""))
        #expect(try w.store.lead(loop.id).warnings == ["profile link \(server.url("loop")): more than 3 redirects"])
        #expect(try w.store.events(forLead: loop.id).map(\.kind) == ["created", "enrichment_failed"])
    }
}
