import ContactFormats
import Testing
import Leads

@Suite struct URLNormalizationTests {
    private func urls(_ values: String...) -> [String] {
        ContactNormalizer(region: "US").normalize(ContactCard(format: .vcard, urls: values)).urls
    }

    @Test(arguments: [
        ("https://acme.example/jane", "https://acme.example/jane"),
        ("  http://acme.example ", "http://acme.example"),
        ("HTTPS://Acme.Example/Jane", "https://Acme.Example/Jane"),
        ("mailto:jane@acme.example", "mailto:jane@acme.example"),
        ("TEL:+1-555-0100", "tel:+1-555-0100"),
    ])
    func keepsWebMailAndTelephoneLinks(text: String, expected: String) {
        #expect(urls(text) == [expected])
    }

    @Test(arguments: [
        ("google.com", "https://google.com"),
        ("www.acme.example/jane", "https://www.acme.example/jane"),
        ("acme.example:8080/jane?x=1", "https://acme.example:8080/jane?x=1"),
        ("linkedin.com/in/jane-doe", "https://linkedin.com/in/jane-doe"),
        ("//acme.example/jane", "https://acme.example/jane"),
    ])
    func addsHTTPSToABareHostName(text: String, expected: String) {
        #expect(urls(text) == [expected])
    }

    @Test(arguments: [
        "javascript:alert(1)", "JavaScript:alert(1)", "file:///etc/passwd", "data:text/html,<b>x</b>",
        "ftp://acme.example/file", "fb://profile/123", "https://", "http:acme.example", "mailto:", "",
        "acme", "jane@acme.example", "10.0.0.1/admin", "https://acme.example/a b", "acme example.com",
        "www.acme.example:port/x",
    ])
    func dropsEverythingElse(text: String) {
        #expect(urls(text).isEmpty)
    }

    @Test func dropsRepeatsKeepingTheOrder() {
        #expect(urls("b.example", "https://a.example", "https://b.example") == ["https://b.example", "https://a.example"])
    }

    @Test func dropsRepeatsAmongManyLinks() {
        let links = (0..<40).map { "https://acme.example/\($0 % 20)" }
        let normalized = ContactNormalizer(region: "US").normalize(ContactCard(format: .vcard, urls: links)).urls
        #expect(normalized == (0..<20).map { "https://acme.example/\($0)" })
    }
}
