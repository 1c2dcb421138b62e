import ArgumentParser
import Foundation
import Gateway
import Leads
import LeadStore
import TagReaders

struct BoothCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "booth",
        abstract: "Booth mode: tap, glance, type one line, next.",
        discussion: """
            Each tap is stored the moment the tag is read; then the contact shows and you type \
            one line of context (Enter skips). Taps that come while you type wait in a queue.

            The note line understands:
              #hot #warm #cold      set the status
              #pilot #api           any other #word is a tag
              @bob                  bob owns the follow-up
              next: call friday     the next action and when (friday, tomorrow 14:00, 2026-12-01, +2d)

            Editing: ← → Home End (Ctrl-B/F/A/E), Ctrl-W deletes a word, Ctrl-U and Ctrl-K to \
            the start and the end. Ctrl-C quits; with a half-typed note it asks once and keeps \
            the note as a draft for the next booth on the store.

            The header shows the event's leads today, changes waiting to send and sent, and \
            whether forwarding works: what is wrong in a few words, and whether it retries \
            (offline) or will not work until --forward is fixed. An unusable --forward (not a \
            URL, no $LEADGATE_WEBHOOK_SECRET) is said before the first tap; the booth runs on.

            Example:
              leadgate booth --event "RSA 2026" --rep alice --forward postgres://crm.example/leads
            """
    )

    @OptionGroup var capture: CaptureOptions
    @Option(help: "Read only this reader (a name or part of one; nfc:CONNSTRING for a libnfc device). Default: every reader.") var reader: String?
    @Option(help: "Forward leads to this shared store in the background (postgres://... or https://...). Default: $LEADGATE_FORWARD.")
    var forward: String?
    @OptionGroup(title: "Profile links") var links: ProfileLinkOptions
    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let forwardSetting = ForwardSetting(option: forward)
        forwardSetting.warn()
        let (store, forwarding) = try BackgroundForwarding.openStore(storeOptions, forwardingTo: forwardSetting.startURL)
        let (capture, eventNotice) = capture.matchingStoredEvent(in: store)
        let session = BoothSession(store: store, builder: capture.builder, logger: Log.logger("leadgate.booth"))
        // SIGTERM, SIGHUP (the terminal closed) and SIGINT close the readers before the booth
        // ends: a libnfc device left open keeps its field on and its port marked as held.
        ReaderShutdownOnSignal.install(hangUp: true, exitAtOnce: true)
        let choice = ReaderChoice(reader, logger: Log.logger("leadgate.pcsc"))
        let app = BoothApp(session: session, reader: choice.reader, selection: choice.selection, title: "booth",
                           fullScreen: Terminal.stdinIsTerminal && Terminal.stdoutIsTerminal)
        app.state.message = eventNotice
        app.forward(forwardSetting.url == nil ? nil : forwardSetting)
        if !app.fullScreen {
            Terminal.write("booth: \(capture.event) / \(capture.rep): waiting for taps; one note per line on stdin\n")
        }
        let linkWorker = links.startWorker(store: store, event: capture.event, normalizer: capture.normalizer)
        await app.run()
        linkWorker?.cancel()
        // Out of libpcsclite before exit: its exit-time destructor frees the contexts under a
        // monitor thread still waiting in SCardGetStatusChange (SIGSEGV).
        await ReaderChoice.shutDown()
        await forwarding?.stop()
        Terminal.write(app.summary())
    }
}
