/// The tag selected on a libnfc device, speaking the PC/SC commands ``TagSession`` sends.
///
/// The PC/SC storage-card pseudo-APDUs are the reader's work under pcscd; here they become
/// what a PN53x sends the tag: `FF CA 00 00 00` is answered from the select (no command),
/// `FF B0 00 PP 10` is a Type 2 READ (`30 PP`, 16 bytes); FAST_READ (`3A`) goes as it is. Any
/// other APDU goes to an ISO 14443-4 tag as it is. Used on the monitor's thread only.
final class LibNFCCardChannel: FastReadChannel {
    let device: LibNFCDevice
    let target: LibNFCTarget
    /// The commands that reached the tag.
    private(set) var exchanges = 0

    init(device: LibNFCDevice, target: LibNFCTarget) {
        self.device = device
        self.target = target
    }

    func transmit(_ command: [UInt8]) throws(TagReaderError) -> [UInt8] {
        if command == [0xFF, 0xCA, 0x00, 0x00, 0x00] {
            return target.uid + [0x90, 0x00]
        }
        if command.count == 5, command[0] == 0xFF, command[1] == 0xB0, command[2] == 0x00 {
            exchanges += 1
            let data = try device.transceive([0x30, command[3]])
            // A READ always answers 16 bytes; fewer means the read went wrong.
            guard data.count >= 16 else { return [0x63, 0x00] }
            return Array(data.prefix(Int(command[4] == 0 ? 16 : min(command[4], 16)))) + [0x90, 0x00]
        }
        if command.first == 0xFF {
            return [0x6A, 0x81]  // another reader pseudo-APDU: not supported by this reader
        }
        exchanges += 1
        return try device.transceive(command)
    }

    func fastRead(from first: Int, through last: Int) throws(TagReaderError) -> [UInt8] {
        exchanges += 1
        return try device.transceive([0x3A, UInt8(truncatingIfNeeded: first), UInt8(truncatingIfNeeded: last)])
    }
}
