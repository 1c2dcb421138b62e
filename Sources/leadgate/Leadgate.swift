import ArgumentParser

@main
struct Leadgate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadgate",
        abstract: "Turn taps on a USB NFC reader into sales leads.",
        discussion: """
            Tap a business card, badge or phone; leadgate reads the tag, decodes the contact \
            (vCard, MECARD, a profile URL, or only the UID) and keeps it as a lead with an owner, \
            a status and a next action.

            Start here:
              leadgate parse card.vcf          decode one payload and print it as JSON
              leadgate parse --hex - <<< 'D1 01 0D 55 04 61 63 6D 65 2E 65 78 61 6D 70 6C 65'

            Exit codes: 0 success, 64 bad usage, 65 bad input data, 69 a service or device is \
            unavailable, 70 an internal error.
            """,
        version: "0.1.0",
        subcommands: [DemoCommand.self, BoothCommand.self, ParseCommand.self, ImportCommand.self, LeadsCommand.self, NoteCommand.self, SetCommand.self, QuarantineCommand.self, BenchCommand.self]
    )
}
