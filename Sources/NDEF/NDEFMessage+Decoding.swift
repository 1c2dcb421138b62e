extension NDEFMessage {
    static func decodeRecords(_ bytes: [UInt8], maximumRecords: Int = maximumRecords) throws(NDEFError) -> (records: [NDEFRecord], leftOut: Int) {
        let end = bytes.count
        var records: [NDEFRecord] = []
        var leftOut = 0
        var position = 0
        // The first chunk of a chunked record, with the payloads of later chunks appended.
        var chunked: NDEFRecord?
        // A chunked record past the bound: its chunks are checked, not joined.
        var skippingChunks = false
        var ended = false
        while position < end {
            if ended {
                throw NDEFError(.bytesAfterMessageEnd, "\(end - position) bytes follow the NDEF record flagged Message End", at: position)
            }
            let start = position
            let header = bytes[start]
            let isBegin = header & NDEFRecord.messageBegin != 0
            let isEnd = header & NDEFRecord.messageEnd != 0
            let isChunk = header & NDEFRecord.chunkFlag != 0
            let isShort = header & NDEFRecord.shortRecord != 0
            let hasIDLength = header & NDEFRecord.idLengthPresent != 0
            guard let tnf = TypeNameFormat(rawValue: header & 0x07) else {
                throw NDEFError(.reservedTNF, "NDEF record uses the reserved TNF 7", at: start)
            }
            if start == 0, !isBegin {
                throw NDEFError(.missingMessageBegin, "the first NDEF record lacks the Message Begin flag", at: start)
            }
            if start != 0, isBegin {
                throw NDEFError(.unexpectedMessageBegin, "an NDEF record after the first has the Message Begin flag", at: start)
            }

            let fixedLength = 2 + (isShort ? 1 : 4) + (hasIDLength ? 1 : 0)
            guard end - start >= fixedLength else {
                throw NDEFError(.truncatedHeader, "NDEF record header needs \(fixedLength) bytes but \(end - start) remain", at: start)
            }
            let typeLength = Int(bytes[start + 1])
            let payloadLengthOffset = start + 2
            var cursor = payloadLengthOffset
            let payloadLength: Int
            if isShort {
                payloadLength = Int(bytes[cursor])
                cursor += 1
            } else {
                payloadLength = Int(bytes[cursor]) << 24 | Int(bytes[cursor + 1]) << 16
                    | Int(bytes[cursor + 2]) << 8 | Int(bytes[cursor + 3])
                cursor += 4
            }
            let idLengthOffset = cursor
            let idLength = hasIDLength ? Int(bytes[cursor]) : 0
            if hasIDLength { cursor += 1 }

            // Every length is checked against what is left before any byte is copied, so a
            // forged 4 GB length costs a comparison, not an allocation.
            var remaining = end - cursor
            guard typeLength <= remaining else {
                throw Self.beyondEnd("type", typeLength, messageLength: end, at: start + 1)
            }
            remaining -= typeLength
            guard idLength <= remaining else {
                throw Self.beyondEnd("ID", idLength, messageLength: end, at: idLengthOffset)
            }
            remaining -= idLength
            guard payloadLength <= remaining else {
                throw Self.beyondEnd("payload", payloadLength, messageLength: end, at: payloadLengthOffset)
            }
            let typeRange = cursor ..< cursor + typeLength
            let idRange = typeRange.upperBound ..< typeRange.upperBound + idLength
            let payloadRange = idRange.upperBound ..< idRange.upperBound + payloadLength
            position = payloadRange.upperBound

            switch tnf {
            case .empty where typeLength != 0 || idLength != 0 || payloadLength != 0:
                throw NDEFError(.invalidTypeLength, "an NDEF record of TNF 0 (empty) has a type, ID or payload", at: start)
            case .unknown where typeLength != 0:
                throw NDEFError(.invalidTypeLength, "an NDEF record of TNF 5 (unknown) has a type of \(typeLength) bytes", at: start)
            case .unchanged where typeLength != 0:
                throw NDEFError(.badChunk, "a continuation chunk of an NDEF record has a type of \(typeLength) bytes", at: start)
            default:
                break
            }

            if skippingChunks {
                guard tnf == .unchanged, !hasIDLength else {
                    throw NDEFError(.badChunk, "a chunk continuing a chunked NDEF record has TNF \(tnf.rawValue) or an ID", at: start)
                }
                skippingChunks = isChunk
            } else if var first = chunked.take() {
                guard tnf == .unchanged else {
                    throw NDEFError(.badChunk, "a chunk continuing a chunked NDEF record has TNF \(tnf.rawValue), not 6 (unchanged)", at: start)
                }
                guard !hasIDLength else {
                    throw NDEFError(.badChunk, "a continuation chunk of an NDEF record has an ID", at: start)
                }
                first.payload.append(contentsOf: bytes[payloadRange])
                if isChunk {
                    chunked = first
                } else {
                    records.append(first)
                }
            } else {
                guard tnf != .unchanged else {
                    throw NDEFError(.badChunk, "an NDEF record of TNF 6 (unchanged) does not continue a chunked record", at: start)
                }
                if records.count >= maximumRecords {
                    leftOut += 1
                    skippingChunks = isChunk
                    if isEnd && isChunk { throw NDEFError(.badChunk, "the NDEF message ends inside a chunked record", at: start) }
                    if isEnd { ended = true }
                    continue
                }
                let record = NDEFRecord(
                    tnf: tnf,
                    type: Array(bytes[typeRange]),
                    id: Array(bytes[idRange]),
                    payload: Array(bytes[payloadRange])
                )
                if isChunk {
                    chunked = record
                } else {
                    records.append(record)
                }
            }
            if isEnd {
                guard !isChunk else {
                    throw NDEFError(.badChunk, "the NDEF message ends inside a chunked record", at: start)
                }
                ended = true
            }
        }
        guard ended || end == 0 else {
            throw NDEFError(.missingMessageEnd, "the NDEF message of \(end) bytes has no record flagged Message End", at: end)
        }
        return (records, leftOut)
    }

    private static func beyondEnd(_ field: String, _ length: Int, messageLength: Int, at offset: Int) -> NDEFError {
        NDEFError(.lengthBeyondEnd, "NDEF record \(field) length \(length) runs past the end of the message (\(messageLength) bytes)", at: offset)
    }
}
