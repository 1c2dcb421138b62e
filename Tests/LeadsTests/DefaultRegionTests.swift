import Testing
import Leads

@Suite struct DefaultRegionTests {
    @Test(arguments: [
        (["LANG": "en_GB.UTF-8"], "GB"),
        (["LANG": "de_DE@euro"], "DE"),
        (["LANG": "ja_JP.eucJP"], "JP"),
        (["LANG": "fr-CA"], "CA"),
        (["LC_ALL": "de_AT.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8", "LANG": "en_GB.UTF-8"], "AT"),
        (["LC_MESSAGES": "fr_FR.UTF-8", "LANG": "en_GB.UTF-8"], "FR"),
        (["LC_ALL": "", "LANG": "en_GB.UTF-8"], "GB"),
    ])
    func takesTheTerritoryOfTheFirstLocaleVariableSet(environment: [String: String], expected: String) {
        #expect(PhoneNumberNormalizer.defaultRegion(environment: environment) == expected)
    }

    @Test(arguments: [
        [:],
        ["LANG": ""],
        ["LANG": "C"],
        ["LANG": "POSIX"],
        ["LANG": "C.UTF-8"],
        ["LANG": "en"],
        ["LANG": "es_419.UTF-8"],
        ["LANG": "eo_XX.UTF-8"],
        ["LC_ALL": "C", "LANG": "en_GB.UTF-8"],
    ])
    func fallsBackToUSWithoutAUsableTerritory(environment: [String: String]) {
        #expect(PhoneNumberNormalizer.defaultRegion(environment: environment) == "US")
    }
}
