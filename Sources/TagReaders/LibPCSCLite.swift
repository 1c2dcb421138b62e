import CPCSCLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The real ``PCSCLibrary``: libpcsclite, talking to pcscd over /run/pcscd/pcscd.comm.
///
/// On Linux pcsc-lite's `LONG` is `Int` and `DWORD` is `UInt`, so results need no conversion.
struct LibPCSCLite: PCSCLibrary {
    /// The largest response a short APDU can bring: 256 data bytes and the status word.
    private static let responseCapacity = 258

    func establishContext() throws(TagReaderError) -> PCSCContext {
        var context: SCARDCONTEXT = 0
        try check(SCardEstablishContext(DWORD(SCARD_SCOPE_SYSTEM), nil, nil, &context), function: "SCardEstablishContext")
        return context
    }

    func releaseContext(_ context: PCSCContext) {
        _ = SCardReleaseContext(context)
    }

    func listReaders(_ context: PCSCContext) throws(TagReaderError) -> [String] {
        // The list can grow between the call that sizes it and the one that fills it.
        for _ in 0 ..< 3 {
            var length: DWORD = 0
            let sizing = SCardListReaders(context, nil, nil, &length)
            if sizing == PCSCResult.noReadersAvailable { return [] }
            try check(sizing, function: "SCardListReaders")
            var buffer = [CChar](repeating: 0, count: Int(length))
            let result = SCardListReaders(context, nil, &buffer, &length)
            if result == PCSCResult.insufficientBuffer { continue }
            if result == PCSCResult.noReadersAvailable { return [] }
            try check(result, function: "SCardListReaders")
            // A multi-string: names separated by NUL, ended by an empty one.
            return buffer.prefix(Int(length)).split(separator: 0).map { String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        }
        try check(PCSCResult.insufficientBuffer, function: "SCardListReaders")
        return []
    }

    func getStatusChange(_ context: PCSCContext, timeout milliseconds: UInt,
                         states: inout [PCSCReaderState]) throws(TagReaderError) -> Bool {
        // The C structs borrow the reader names, so the names must outlive the call.
        let names = states.map { strdup($0.reader) }
        defer { names.forEach { free($0) } }
        var records = states.indices.map { index in
            var record = SCARD_READERSTATE()
            record.szReader = UnsafePointer(names[index])
            record.dwCurrentState = DWORD(states[index].currentState)
            return record
        }
        let result = SCardGetStatusChange(context, DWORD(milliseconds), &records, DWORD(records.count))
        if result == PCSCResult.timeout { return false }
        try check(result, function: "SCardGetStatusChange")
        for index in states.indices {
            states[index].eventState = UInt(records[index].dwEventState)
            let count = min(Int(records[index].cbAtr), Int(MAX_ATR_SIZE))
            states[index].atr = withUnsafeBytes(of: records[index].rgbAtr) { Array($0.prefix(count)) }
        }
        return true
    }

    func cancel(_ context: PCSCContext) {
        _ = SCardCancel(context)
    }

    func connect(_ context: PCSCContext, reader: String) throws(TagReaderError) -> PCSCCardHandle {
        var handle: SCARDHANDLE = 0
        var activeProtocol: DWORD = 0
        try check(SCardConnect(context, reader, DWORD(SCARD_SHARE_SHARED),
                               DWORD(SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1), &handle, &activeProtocol),
                  function: "SCardConnect")
        // The tag stays shared, but a read is one transaction: another program (or another
        // leadgate) reading the same tag waits for it instead of interleaving its commands,
        // which broke a Type 4 tag's SELECT sequence. A failed begin reads without one, as before.
        _ = SCardBeginTransaction(handle)
        return PCSCCardHandle(handle: handle, activeProtocol: UInt(activeProtocol))
    }

    func transmit(_ card: PCSCCardHandle, _ command: [UInt8]) throws(TagReaderError) -> [UInt8] {
        var response = [UInt8](repeating: 0, count: Self.responseCapacity)
        var length = DWORD(response.count)
        let result: Int = withUnsafePointer(to: Self.protocolControl(card.activeProtocol)) { pci in
            SCardTransmit(card.handle, pci, command, DWORD(command.count), nil, &response, &length)
        }
        try check(result, function: "SCardTransmit")
        return Array(response.prefix(Int(length)))
    }

    func disconnect(_ card: PCSCCardHandle) {
        _ = SCardEndTransaction(card.handle, DWORD(SCARD_LEAVE_CARD))
        _ = SCardDisconnect(card.handle, DWORD(SCARD_LEAVE_CARD))
    }

    /// `SCARD_PCI_T0` or `SCARD_PCI_T1`; those macros take an address, which Swift cannot import.
    private static func protocolControl(_ activeProtocol: UInt) -> SCARD_IO_REQUEST {
        switch activeProtocol {
        case UInt(SCARD_PROTOCOL_T0): g_rgSCardT0Pci
        case UInt(SCARD_PROTOCOL_T1): g_rgSCardT1Pci
        default: g_rgSCardRawPci
        }
    }
}
