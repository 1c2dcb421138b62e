import ArgumentParser

@main
struct Leadgate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leadgate",
        abstract: "Turn taps on a USB NFC reader into sales leads.",
        discussion: """
            Tap a business card, badge or phone; leadgate reads the tag, decodes the contact \
            (vCard, MECARD, a profile URL, or only the UID), stores it as a lead with an owner, \
            a status and a next action, asks for one line of context, and forwards it to the \
            team's shared store.

            Start here:
              leadgate demo                                  try it with sample taps, no reader needed
              leadgate doctor                                check the reader, pcscd and permissions
              leadgate booth --event "RSA 2026" --rep alice  run the booth
              leadgate leads                                 what you captured
              leadgate import ~/scans --event E --rep R      bring in a folder of vCards

            The store: $LEADGATE_STORE, else ~/.local/share/leadgate/leads.sqlite (--store).
            Exit codes: 0 success, 64 bad usage, 65 bad input data, 69 a service or device is \
            unavailable, 70 an internal error.
            """,
        version: "0.1.0",
        subcommands: [DemoCommand.self, BoothCommand.self, KioskCommand.self, ParseCommand.self, ImportCommand.self, LeadsCommand.self, NoteCommand.self, SetCommand.self, QuarantineCommand.self, ReportCommand.self, ForwardCommand.self, StatusCommand.self, BenchCommand.self, ReadCommand.self, ReadersCommand.self, DoctorCommand.self]
    )
}
