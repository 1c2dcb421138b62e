import Foundation
import Testing
import Leads

@Suite struct NormalizedContactJSONTests {
    private func jsonObject(_ contact: NormalizedContact) throws -> [String: Any] {
        let data = try JSONEncoder().encode(contact)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func spellsEveryKeyInSnakeCaseWithExplicitNulls() throws {
        let object = try jsonObject(NormalizedContact())
        #expect(Set(object.keys) == [
            "full_name", "given_name", "family_name", "organization", "title", "emails", "phones", "urls",
            "addresses", "note", "invalid_emails",
        ])
        for key in ["full_name", "given_name", "family_name", "organization", "title", "note"] {
            #expect(object[key] is NSNull, "\(key) should be null")
        }
        for key in ["emails", "phones", "urls", "addresses", "invalid_emails"] {
            #expect((object[key] as? [Any])?.isEmpty == true, "\(key) should be an empty array")
        }
    }

    @Test func matchesTheLeadContactOfTheDesign() throws {
        let contact = NormalizedContact(
            fullName: "Jane Doe", givenName: "Jane", familyName: "Doe", organization: "Acme Corp", title: "CTO",
            emails: ["jane@acme.example"],
            phones: [.init(number: "+1 555 0100", e164: "+15550100", types: ["cell"]), .init(number: "call me", e164: nil)],
            urls: ["https://acme.example/jane"], addresses: ["1 Main St, Springfield"], invalidEmails: ["jane@"]
        )
        let object = try jsonObject(contact)
        #expect(object["full_name"] as? String == "Jane Doe")
        #expect(object["organization"] as? String == "Acme Corp")
        #expect(object["note"] is NSNull)
        #expect(object["emails"] as? [String] == ["jane@acme.example"])
        #expect(object["invalid_emails"] as? [String] == ["jane@"])
        let phones = try #require(object["phones"] as? [[String: Any]])
        #expect(phones.count == 2)
        #expect(Set(phones[0].keys) == ["number", "e164", "types"])
        #expect(phones[0]["e164"] as? String == "+15550100")
        #expect(phones[0]["types"] as? [String] == ["cell"])
        #expect(phones[1]["e164"] is NSNull)
        #expect(phones[1]["types"] as? [String] == [])
    }

    @Test func decodesWhatItEncodes() throws {
        let contact = NormalizedContact(
            fullName: "Jane Doe", emails: ["jane@acme.example"], phones: [.init(number: "x", e164: nil, types: ["work"])],
            note: "met at booth", invalidEmails: ["nope"])
        let decoded = try JSONDecoder().decode(NormalizedContact.self, from: JSONEncoder().encode(contact))
        #expect(decoded == contact)
    }

    @Test func decodesAContactWrittenBeforeInvalidEmailsExisted() throws {
        let json = #"{"full_name":"Jane","given_name":null,"family_name":null,"organization":null,"title":null,"emails":[],"phones":[],"urls":[],"addresses":[],"note":null}"#
        let decoded = try JSONDecoder().decode(NormalizedContact.self, from: Data(json.utf8))
        #expect(decoded == NormalizedContact(fullName: "Jane"))
    }

    @Test func describesItselfWithoutPersonalData() {
        let contact = NormalizedContact(fullName: "Jane Doe", emails: ["jane@acme.example"])
        #expect(!"\(contact)".contains("Jane"))
        #expect(!"\(contact)".contains("acme"))
        #expect(contact.expandedDescription.contains("Jane Doe"))
    }
}
