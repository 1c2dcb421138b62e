import Foundation
import Leads
import Testing

/// Due times that do not read are said, not guessed (issue 19, point 5).
@Suite struct DueTimeProblemTests {
    static let due = DueDate(now: NoteGrammarTests.now, timeZone: TimeZone(identifier: "UTC")!)

    @Test func aDayWithATimeThatDoesNotReadIsNoTimeAndThePartIsNamed() {
        #expect(Self.due.parse("friday 25:00") == nil)
        #expect(Self.due.problem("friday 25:00")?.hasPrefix("25:00 is not a time of day") == true)
        #expect(Self.due.parse("tomorrow 2pm please") == nil)
        #expect(Self.due.problem("2026-13-01") == "2026-13-01 is not a date (use YYYY-MM-DD)")
        #expect(Self.due.problem("someday")?.hasPrefix("someday is not a day leadgate reads") == true)
        #expect(Self.due.problem("friday") == nil)
        #expect(Self.due.parse("tomorrow at 2pm") == Timestamp.parse("2026-11-19T14:00:00Z"))
        #expect(Self.due.parse("friday afternoon") == Timestamp.parse("2026-11-20T14:00:00Z"))
    }

    @Test func theNoteGrammarKeepsTheActionButReportsAnUnreadableTime() {
        let someday = NoteGrammarTests.grammar.parse("next: call someday")
        #expect(someday.nextAction == "call someday")
        #expect(someday.due == nil)
        #expect(someday.dueProblem?.hasPrefix("someday is not a day leadgate reads") == true)
        let badHour = NoteGrammarTests.grammar.parse("next: call friday 25:00")
        #expect(badHour.dueProblem?.hasPrefix("25:00 is not a time of day") == true)
        let typo = NoteGrammarTests.grammar.parse("next: call firday")
        #expect(typo.dueProblem != nil)
        // An action with no time in it is not a problem.
        #expect(NoteGrammarTests.grammar.parse("next: send 2 quotes").dueProblem == nil)
        #expect(NoteGrammarTests.grammar.parse("next: send the deck").dueProblem == nil)
        #expect(NoteGrammarTests.grammar.parse("next: call friday").dueProblem == nil)
    }
}
