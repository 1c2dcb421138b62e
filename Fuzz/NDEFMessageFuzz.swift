// libFuzzer harness: NDEF message decoding, and the round trip of everything that decodes.
// Built by Fuzz/run.sh in one module with Sources/NDEF, so it needs no import.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let message = try? NDEFMessage(decoding: bytes) else { return 0 }
    let again = try? NDEFMessage(decoding: message.encoded())
    precondition(again == message, "NDEF message does not survive encode and decode")
    for record in message.records {
        _ = record.typeName
        if let uri = try? record.uri {
            precondition((try? NDEFRecord.uri(uri).uri) == uri, "URI record does not survive encode and decode")
        }
        if let text = try? record.text {
            precondition((try? TextPayload(decoding: text.encoded())) == text, "Text payload does not survive encode and decode")
        }
        if let poster = try? record.smartPoster {
            precondition((try? SmartPoster(decoding: poster.encoded())) == poster, "Smart Poster does not survive encode and decode")
        }
    }
    // The same bytes as a Type 4 NDEF file and capability container must fail cleanly or decode.
    _ = try? TypeFourNDEFFile(decoding: bytes)
    _ = try? TypeFourCapabilityContainer(decoding: bytes)
    return 0
}
