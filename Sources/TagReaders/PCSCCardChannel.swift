/// The tag on a PC/SC reader, connected in shared mode; used on the monitor's thread only.
final class PCSCCardChannel: CardChannel {
    let library: any PCSCLibrary
    let card: PCSCCardHandle

    init(library: any PCSCLibrary, card: PCSCCardHandle) {
        self.library = library
        self.card = card
    }

    func transmit(_ command: [UInt8]) throws(TagReaderError) -> [UInt8] {
        try library.transmit(card, command)
    }

    deinit {
        library.disconnect(card)
    }
}
