import Foundation
import Gateway
import Leads
import Testing

/// The CSV formula guard (issue 19, point 6): phone numbers pass untouched, and what a
/// first-character check missed is caught.
@Suite struct CSVFormulaGuardTests {
    static func cell(title: String) -> String? {
        let lead = LeadExportTests.lead(title: title)
        let rows = LeadExportTests.parseCSV(LeadExport.csv([lead]))
        return Dictionary(uniqueKeysWithValues: zip(rows[0], rows[1]))["Title"]
    }

    @Test func aCellThatIsOnlyAPhoneNumberGetsNoApostrophe() {
        for phone in ["+14155550100", "+1 (415) 555-0100", "+44 20 7946 0958", "030 1234567", "(415) 555-0100"] {
            #expect(Self.cell(title: phone) == phone)
        }
        // A plus inside, letters or too few digits: not a phone number, guarded.
        #expect(Self.cell(title: "+1+2") == "'+1+2")
        #expect(Self.cell(title: "+SUM(1)") == "'+SUM(1)")
        #expect(Self.cell(title: "-1") == "'-1")
    }

    @Test func fullwidthSignsLeadingSpacesAndLaterLinesAreGuarded() {
        for risky in ["＝1+1", "＋cmd", "－2", "＠SUM(A1)", " =1+1", "\u{00A0}=1+1", "\u{3000}@x", "note\n=HYPERLINK(\"x\")",
                      "note\r\n  +1+1"] {
            #expect(Self.cell(title: risky) == "'" + risky, "\(risky.debugDescription)")
        }
        for harmless in ["CTO", "Head of R&D", "a = b", "e-mail", "x\ny"] {
            #expect(Self.cell(title: harmless) == harmless)
        }
    }

    @Test func crmProfilesUseTheirWizardsColumnNamesAndStatuses() {
        let lead = LeadExportTests.lead(org: nil)
        let salesforce = LeadExportTests.parseCSV(LeadExport.csv([lead], for: .salesforce))
        let sf = Dictionary(uniqueKeysWithValues: zip(salesforce[0], salesforce[1]))
        #expect(sf["Company"] == "[not provided]")
        #expect(sf["Rating"] == "Hot")
        #expect(sf["Phone"] == "+14155550134")
        let hubspot = LeadExportTests.parseCSV(LeadExport.csv([lead], for: .hubspot))
        #expect(hubspot[0] == CRMImport.hubspot.header)
        #expect(Dictionary(uniqueKeysWithValues: zip(hubspot[0], hubspot[1]))["Lead Status"] == "In Progress")
        #expect(CRMImport.hubspot.status(.cold).leadStatus == "Bad Timing")
        #expect(CRMImport.salesforce.status(.warm).rating == "Warm")
    }
}
