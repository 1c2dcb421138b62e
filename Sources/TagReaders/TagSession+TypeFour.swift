import NDEF

extension TagSession {
    /// The most one READ BINARY asks for: a short Le, which every PC/SC contactless reader takes.
    static let largestShortRead = 255

    /// Reads a Type 4 tag or a phone emulating one: SELECT the NDEF application (the v2 name,
    /// then v1), SELECT and read the capability container, SELECT the NDEF file, read its
    /// length, then the message in READ BINARYs of at most MLe bytes.
    ///
    /// A card without the NDEF application (a bare DESFire, a bank card) is not an error: it
    /// is a UID-only tap of type `iso14443_4`.
    func readTypeFour(_ link: inout Link, issues: inout [String]) throws(TagReaderError) -> (TagType, [UInt8]?) {
        var mapping: UInt8 = 2
        if !isSelected(try link.send(TypeFourAPDU.selectNDEFApplication())) {
            guard isSelected(try link.send(TypeFourAPDU.selectNDEFApplicationVersion1())) else {
                return (.iso14443_4, nil)
            }
            mapping = 1
        }

        let selectCC = TypeFourAPDU.selectFile(TypeFourAPDU.capabilityContainerFileID, mappingMajorVersion: mapping)
        let ccStatus = StatusWord(try link.send(selectCC))
        guard ccStatus == .success else {
            issues.append("Type 4 tag has the NDEF application but no capability container (SELECT E103 answered \(ccStatus))")
            return (.type4, nil)
        }
        var ccBytes = try readBinary(&link, offset: 0, length: 15)
        if ccBytes.count >= 9, ccBytes[7] == 0x06, ccBytes.count < 17 {
            // The extended File Control TLV of mapping 3.0 is 2 bytes longer.
            ccBytes += try readBinary(&link, offset: ccBytes.count, length: 17 - ccBytes.count)
        }
        let capabilityContainer: TypeFourCapabilityContainer
        do {
            capabilityContainer = try TypeFourCapabilityContainer(decoding: ccBytes)
        } catch {
            issues.append("Type 4 capability container: \(error)")
            return (.type4, nil)
        }
        let file = capabilityContainer.ndefFile
        guard file.readAccess == 0 else {
            issues.append("Type 4 NDEF file is read-protected (access byte \(hexString([file.readAccess])))")
            return (.type4, nil)
        }

        let selectNDEF = TypeFourAPDU.selectFile(file.fileID, mappingMajorVersion: mapping)
        let ndefStatus = StatusWord(try link.send(selectNDEF))
        guard ndefStatus == .success else {
            issues.append("Type 4 NDEF file \(hexString([UInt8(file.fileID >> 8), UInt8(truncatingIfNeeded: file.fileID)])) cannot be selected (status \(ndefStatus))")
            return (.type4, nil)
        }
        let header = try readBinary(&link, offset: 0, length: file.lengthFieldSize)
        link.bytesRead = header
        let length: Int
        do {
            length = try TypeFourNDEFFile.messageLength(header: header, fileControl: file)
        } catch {
            issues.append("Type 4 NDEF file: \(error)")
            return (.type4, nil)
        }

        let chunk = min(capabilityContainer.maximumReadLength, Self.largestShortRead)
        var message: [UInt8] = []
        message.reserveCapacity(length)
        while message.count < length {
            let data = try readBinary(&link, offset: file.lengthFieldSize + message.count,
                                      length: min(chunk, length - message.count))
            message += data.prefix(length - message.count)
            link.bytesRead += data
        }
        return (.type4, message)
    }

    /// 90 00, or 61 XX (more data waiting, which a SELECT does not need).
    private func isSelected(_ response: [UInt8]) -> Bool {
        let status = StatusWord(response)
        return status == .success || status.sw1 == 0x61
    }

    /// READ BINARY, at most `length` bytes; a 6C XX answer (wrong Le) is retried with XX once.
    private func readBinary(_ link: inout Link, offset: Int, length: Int) throws(TagReaderError) -> [UInt8] {
        var command = TypeFourAPDU.readBinary(offset: offset, length: length)
        var response = try link.send(command)
        var status = StatusWord(response)
        if status.sw1 == 0x6C, status.sw2 != 0 {
            command = TypeFourAPDU.readBinary(offset: offset, length: Int(status.sw2))
            response = try link.send(command)
            status = StatusWord(response)
        }
        if status == .readerOperationFailed { throw Self.tagLost(command, status) }
        guard status == .success else { throw Self.refused(command, status) }
        let data = Array(response.dropLast(2))
        guard !data.isEmpty else {
            throw TagReaderError(.tagRefused, "the tag answered READ BINARY at offset \(offset) with no data")
        }
        return data
    }
}
