// libFuzzer harness: the vCard parser, the other card formats and payload detection on the
// same bytes. Built by Fuzz/run.sh in one module with Sources/ContactFormats, so it needs no
// import; Sources/NDEF is built first as its own module, which the sources import.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))

    var small = VCardParser()
    small.maximumValueLength = 64
    small.maximumNesting = 2
    for parser in [VCardParser(), small] {
        guard let result = try? parser.parse(bytes) else { continue }
        // Callers slice the input with these: they must lie inside it.
        for parsed in result.cards {
            precondition(parsed.range.lowerBound >= 0 && parsed.range.upperBound <= size, "card range \(parsed.range) outside \(size) bytes")
            _ = parsed.card.displayName
        }
        for issue in result.issues {
            precondition((0...size).contains(issue.offset ?? 0), "issue offset \(issue.offset ?? 0) outside \(size) bytes")
        }
    }

    _ = ContactDecoder.detectFormat(bytes)
    for format in [ContactFormat.vcard, .mecard, .bizcard, .kddi, .text] {
        _ = try? ContactDecoder.decode(bytes, as: format)
    }
    for format in PayloadFormat.allCases {
        guard let payload = try? PayloadDecoder.decode(bytes, as: format) else { continue }
        for contact in payload.contacts {
            _ = contact.card.isEmpty
        }
    }
    return 0
}
