import CNFC
import Glibc
import Synchronization

/// A libnfc context (`nfc_init` ... `nfc_exit`), used on one thread at a time.
///
/// Every libnfc call leadgate makes is in this file and ``LibNFCDevice``, and every result
/// goes through ``check(nfc:function:)``. All of them block (serial or USB I/O with time-outs
/// up to a second), so they run on a dedicated thread, never on the cooperative pool.
final class LibNFCContext {
    let pointer: OpaquePointer

    init() throws(TagReaderError) {
        Self.quietLibraryLog()
        var context: OpaquePointer?
        nfc_init(&context)
        guard let context else {
            throw TagReaderError(.nfcFailure, "libnfc could not start (out of memory, or /etc/nfc/libnfc.conf is unreadable)",
                                 function: "nfc_init")
        }
        pointer = context
    }

    deinit {
        nfc_exit(pointer)
    }

    /// `nfc_list_devices`: the connection strings of the devices libnfc's configured scan
    /// finds (devices named in libnfc.conf or `LIBNFC_DEVICE`, then the non-intrusive USB
    /// drivers; serial ports only with `allow_intrusive_scan`).
    func listDevices(limit: Int = 8) -> [String] {
        let buffer = UnsafeMutablePointer<nfc_connstring>.allocate(capacity: limit)
        defer { buffer.deallocate() }
        let count = nfc_list_devices(pointer, buffer, limit)
        return (0 ..< min(count, limit)).map { index in
            withUnsafeBytes(of: &buffer[index]) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
        }
    }

    /// `nfc_open`, then `nfc_initiator_init`: the device ready to poll for tags. `nil` opens
    /// libnfc's default device (`LIBNFC_DEVICE`, libnfc.conf, else the first the scan finds).
    func open(_ connstring: String?) throws(TagReaderError) -> LibNFCDevice {
        let device: OpaquePointer? = if let connstring { nfc_open(pointer, connstring) } else { nfc_open(pointer, nil) }
        guard let device else {
            let what = connstring.map { "the libnfc device \($0)" } ?? "a libnfc device (none configured or found)"
            throw TagReaderError(.readerUnavailable, "cannot open \(what): unplugged, held by another program (pcscd?), or no permission",
                                 function: "nfc_open")
        }
        let opened = LibNFCDevice(pointer: device, context: self)
        try check(nfc: nfc_initiator_init(device), function: "nfc_initiator_init")
        return opened
    }

    /// libnfc writes its own errors to stderr at log level 1 ("Unable to find USB busses" on a
    /// machine without USB, every failed open while a reader is unplugged); leadgate reports
    /// failures in its own words, so libnfc stays quiet unless `LIBNFC_LOG_LEVEL` asks otherwise.
    /// Set once, before the first `nfc_init` reads it.
    private static let logLevelSet = Mutex(false)

    private static func quietLibraryLog() {
        logLevelSet.withLock { isSet in
            guard !isSet else { return }
            isSet = true
            setenv("LIBNFC_LOG_LEVEL", "0", 0)
        }
    }
}

/// An open libnfc device in initiator mode, closed (`nfc_close`: release, field off, power
/// down, the serial port's settings restored) when the last reference goes.
final class LibNFCDevice {
    let pointer: OpaquePointer
    /// Kept so that `nfc_exit` cannot run before this device's `nfc_close`, however early the
    /// optimizer ends the caller's own reference to the context.
    private let context: LibNFCContext

    init(pointer: OpaquePointer, context: LibNFCContext) {
        self.pointer = pointer
        self.context = context
    }

    deinit {
        nfc_close(pointer)
    }

    /// The connection string libnfc opened, such as `pn532_uart:/dev/ttyUSB0`.
    var connstring: String { String(cString: nfc_device_get_connstring(pointer)) }

    /// libnfc's name for the device, such as `pn532_uart:/dev/ttyUSB0 - PN532 v1.6`.
    var name: String { String(cString: nfc_device_get_name(pointer)) }

    /// `nfc_initiator_select_passive_target` for ISO 14443-A at 106 kbps: the tag in the field,
    /// or `nil` when none answered within libnfc's 300 ms.
    func selectTypeA() throws(TagReaderError) -> LibNFCTarget? {
        var target = nfc_target()
        let modulation = nfc_modulation(nmt: NMT_ISO14443A, nbr: NBR_106)
        let result = nfc_initiator_select_passive_target(pointer, modulation, nil, 0, &target)
        if result == 0 || Int(result) == LibNFCResult.timeout { return nil }
        try check(nfc: result, function: "nfc_initiator_select_passive_target")
        return LibNFCTarget(target.nti.nai)
    }

    /// `nfc_initiator_transceive_bytes`: one command to the selected tag (CRC and, for an
    /// ISO 14443-4 tag, the ISO-DEP blocks are the chip's work) and its answer.
    func transceive(_ command: [UInt8], timeout milliseconds: Int32 = -1) throws(TagReaderError) -> [UInt8] {
        var response = [UInt8](repeating: 0, count: 264)
        let result = command.withUnsafeBufferPointer { tx in
            response.withUnsafeMutableBufferPointer { rx in
                nfc_initiator_transceive_bytes(pointer, tx.baseAddress, tx.count, rx.baseAddress, rx.count, milliseconds)
            }
        }
        let count = try check(nfc: result, function: "nfc_initiator_transceive_bytes")
        return Array(response.prefix(count))
    }

    /// `nfc_initiator_target_is_present` for the tag selected last: one command (a READ of
    /// page 0, an ISO-DEP R(NAK), a re-select of a Classic badge), so callers pace it.
    /// Throws ``TagReaderError/Code/tagRemoved`` when the tag is gone.
    func checkTargetPresent() throws(TagReaderError) {
        let result = nfc_initiator_target_is_present(pointer, nil)
        // No saved target (NFC_EINVARG): libnfc dropped it after a failed exchange.
        if Int(result) == LibNFCResult.invalidArgument {
            throw TagReaderError(.tagRemoved, "the tag left the reader", function: "nfc_initiator_target_is_present", result: Int(result))
        }
        try check(nfc: result, function: "nfc_initiator_target_is_present")
    }
}

/// What an ISO 14443-A select tells about a tag: enough to name its kind like a PC/SC ATR.
struct LibNFCTarget: Sendable, Hashable {
    var uid: [UInt8]
    var atqa: [UInt8]
    var sak: UInt8
    /// The ATS without its length byte, for an ISO 14443-4 tag.
    var ats: [UInt8]

    init(uid: [UInt8], atqa: [UInt8], sak: UInt8, ats: [UInt8]) {
        self.uid = uid
        self.atqa = atqa
        self.sak = sak
        self.ats = ats
    }

    init(_ info: nfc_iso14443a_info) {
        var info = info
        uid = withUnsafeBytes(of: &info.abtUid) { Array($0.prefix(min(info.szUidLen, $0.count))) }
        atqa = withUnsafeBytes(of: &info.abtAtqa) { Array($0) }
        sak = info.btSak
        ats = withUnsafeBytes(of: &info.abtAts) { Array($0.prefix(min(info.szAtsLen, $0.count))) }
    }
}
