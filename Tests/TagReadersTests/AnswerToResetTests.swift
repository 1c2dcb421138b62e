import Testing
@testable import TagReaders

@Suite struct AnswerToResetTests {
    @Test func readsTheUltralightFamilyFromAStorageCardATR() {
        let atr: [UInt8] = [0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, 0x03, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x68]
        #expect(AnswerToReset(atr).family == .typeTwo(.mifareUltralight))
    }

    @Test(arguments: [(UInt16(0x0001), TagType.mifareClassic1K), (0x0002, .mifareClassic4K), (0x0026, .mifareMini)])
    func readsMifareClassicBadgesFromTheCardName(name: UInt16, type: TagType) {
        #expect(AnswerToReset(SimulatedCard.storageCardATR(name: name)).family == .mifareClassic(type))
    }

    @Test func namesUltralightCAndEV1() {
        #expect(AnswerToReset(SimulatedCard.storageCardATR(name: 0x003A)).tagType == .mifareUltralightC)
        #expect(AnswerToReset(SimulatedCard.storageCardATR(name: 0x003D)).tagType == .mifareUltralightEV1)
    }

    @Test func takesOtherContactlessATRsForISO14443Four() {
        // A DESFire EV1 and a phone emulating a card, as an ACR122U reports them.
        #expect(AnswerToReset([0x3B, 0x81, 0x80, 0x01, 0x80, 0x80]).family == .isoDep)
        #expect(AnswerToReset([0x3B, 0x80, 0x80, 0x01, 0x01]).family == .isoDep)
        #expect(AnswerToReset([0x3B, 0x80, 0x80, 0x01, 0x01]).tagType == .iso14443_4)
    }

    @Test func leavesContactCardsAndShortATRsUnknown() {
        #expect(AnswerToReset([0x3B, 0x9F, 0x95, 0x81, 0x31]).family == .unknown)
        #expect(AnswerToReset([0x3B, 0x8F, 0x80]).family == .unknown)
        #expect(AnswerToReset([]).tagType == .unknown)
    }

    @Test func takesOtherStorageCardsForUIDOnly() {
        #expect(AnswerToReset(SimulatedCard.storageCardATR(name: 0x003B)).family == .otherStorageCard(.felica))
        #expect(AnswerToReset(SimulatedCard.storageCardATR(name: 0x0014)).family == .otherStorageCard(.unknown))
    }
}
