/// Reads vCard 2.1, 3.0 and 4.0 text into contact cards.
///
/// The parser is lenient the way real exporters need: it unfolds CRLF, LF, CR and CR CR LF
/// line ends, follows quoted-printable soft line breaks (which, unlike folding, keep the next
/// line's leading space), applies CHARSET to quoted-printable and raw 8-bit values, reads
/// 2.1 bare parameters (`TEL;CELL;PREF:`) and groups (`item1.EMAIL`), accepts lower-case
/// keywords, a missing END, VERSION anywhere in the card, and AGENT cards nested in 2.1
/// style. Binary values (`ENCODING=BASE64`/`b`) are skipped, never decoded as text.
/// Unknown properties are skipped without copying their value, so a 50 MB PHOTO costs no
/// memory.
public struct VCardParser: Sendable {
    /// Cards nested inside cards (2.1 AGENT) deeper than this are an error.
    public var maximumNesting = 4
    /// Text values are cut to this many UTF-8 bytes, with a `valueTruncated` issue.
    public var maximumValueLength = CardLimits.maximumValueBytes
    /// Raw bytes read of one value (quoted-printable spends three on a byte): the rest of
    /// its lines are stepped over, never copied.
    var maximumRawValueLength: Int { maximumValueLength > Int.max / 4 ? Int.max : maximumValueLength * 4 }

    public init() {}

    /// Parses every card in `bytes`.
    ///
    /// - Throws: `ContactFormatError.notAVCard` when there is no `BEGIN:VCARD` at all.
    ///   Problems inside cards do not throw: they are listed in the result's `issues`,
    ///   and the cards are returned with what could be read.
    public func parse(_ input: [UInt8]) throws(ContactFormatError) -> VCardParseResult {
        var bytes = input
        let transcoded = TextDecoding.utf8FromUTF16(input)
        if let transcoded { bytes = transcoded }
        var state = ParseState(parser: self)
        bytes.withUnsafeBufferPointer { state.run($0) }
        if state.result.cards.isEmpty && !state.sawBegin {
            throw ContactFormatError(.notAVCard, offset: 0)
        }
        if transcoded != nil {
            // Ranges and offsets name bytes of the input, not of the UTF-8 made from it, which
            // can be longer: callers slice the input with them.
            var result = state.result
            let mapped = TextDecoding.utf16Offsets(
                of: result.cards.flatMap { [$0.range.lowerBound, $0.range.upperBound] } + result.issues.map { $0.offset ?? 0 }, in: input)
            for i in result.cards.indices { result.cards[i].range = mapped[2 * i]..<mapped[2 * i + 1] }
            for (i, issue) in result.issues.enumerated() {
                result.issues[i] = ContactFormatError(issue.code, offset: issue.offset.map { _ in mapped[2 * result.cards.count + i] })
            }
            return result
        }
        return state.result
    }
}

/// The cards of one input, each with the byte range it came from.
public struct VCardParseResult: Sendable {
    public var cards: [ParsedCard] = []
    /// Problems that did not stop parsing: torn cards, malformed lines, skipped values.
    public var issues: [ContactFormatError] = []
}

/// One card and where it stood in the input.
public struct ParsedCard: Sendable {
    public var card: ContactCard
    /// From its BEGIN line to the end of its END line (or of the input, when torn).
    public var range: Range<Int>
    /// True when the input ended before the card's END line.
    public var isTorn: Bool
    /// What was cut from the card to keep it in `CardLimits` (the vCard parser lists its
    /// issues in the parse result instead).
    public var issues: [ContactFormatError] = []
}

// MARK: - Parsing state

private let CR: UInt8 = 0x0D, LF: UInt8 = 0x0A, SP: UInt8 = 0x20, TAB: UInt8 = 0x09
private let COLON: UInt8 = 0x3A, SEMI: UInt8 = 0x3B, COMMA: UInt8 = 0x2C, EQUALS: UInt8 = 0x3D
private let QUOTE: UInt8 = 0x22, BACKSLASH: UInt8 = 0x5C, DOT: UInt8 = 0x2E

/// The properties that feed a contact; every other name is skipped.
enum PropertyName: Equatable {
    case begin, end, version, fn, n, nickname, org, title, role, email, tel, url, adr, note, bday, agent, other

    static func match(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> PropertyName {
        // Compare ASCII case-insensitively without making a String.
        func equals(_ word: StaticString) -> Bool {
            guard word.utf8CodeUnitCount == range.count else { return false }
            let w = word.utf8Start
            var k = 0
            for i in range {
                var c = p[i]
                if c >= 0x61 && c <= 0x7A { c -= 0x20 }
                if c != w[k] { return false }
                k += 1
            }
            return true
        }
        switch range.count {
        case 1: return equals("N") ? .n : .other
        case 2: return equals("FN") ? .fn : .other
        case 3:
            if equals("TEL") { return .tel }
            if equals("ORG") { return .org }
            if equals("URL") { return .url }
            if equals("ADR") { return .adr }
            if equals("END") { return .end }
            return .other
        case 4:
            if equals("NOTE") { return .note }
            if equals("ROLE") { return .role }
            if equals("BDAY") { return .bday }
            return .other
        case 5:
            if equals("EMAIL") { return .email }
            if equals("TITLE") { return .title }
            if equals("BEGIN") { return .begin }
            if equals("AGENT") { return .agent }
            return .other
        case 7: return equals("VERSION") ? .version : .other
        case 8: return equals("NICKNAME") ? .nickname : .other
        default: return .other
        }
    }
}

/// Parameter names and values matched without making strings: this runs for every line.
enum ParameterWord: Equatable {
    case encoding, charset, type, value, pref
    case quotedPrintable, base64, b, eightBit, sevenBit, uri
    case cell, work, home, voice, fax, internet, other
    case unknown

    /// The lower-case string of a common TYPE word, shared rather than allocated per line.
    var commonType: String? {
        switch self {
        case .cell: return "cell"
        case .work: return "work"
        case .home: return "home"
        case .voice: return "voice"
        case .fax: return "fax"
        case .internet: return "internet"
        case .other: return "other"
        case .pref: return "pref"
        default: return nil
        }
    }

    static func match(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> ParameterWord {
        var s = range.lowerBound, e = range.upperBound
        while s < e && (p[s] == 0x22 || p[s] == 0x20) { s += 1 }
        while e > s && (p[e - 1] == 0x22 || p[e - 1] == 0x20) { e -= 1 }
        func equals(_ word: StaticString) -> Bool {
            guard word.utf8CodeUnitCount == e - s else { return false }
            let w = word.utf8Start
            for k in 0..<(e - s) {
                var c = p[s + k]
                if c >= 0x41 && c <= 0x5A { c += 0x20 }
                if c != w[k] { return false }
            }
            return true
        }
        switch e - s {
        case 1: return equals("b") ? .b : .unknown
        case 3: return equals("fax") ? .fax : equals("uri") ? .uri : .unknown
        case 4:
            if equals("type") { return .type }
            if equals("cell") { return .cell }
            if equals("work") { return .work }
            if equals("home") { return .home }
            if equals("pref") { return .pref }
            if equals("8bit") { return .eightBit }
            if equals("7bit") { return .sevenBit }
            return .unknown
        case 5:
            if equals("value") { return .value }
            if equals("voice") { return .voice }
            if equals("other") { return .other }
            return .unknown
        case 6: return equals("base64") ? .base64 : .unknown
        case 7: return equals("charset") ? .charset : .unknown
        case 8:
            if equals("encoding") { return .encoding }
            if equals("internet") { return .internet }
            return .unknown
        case 16: return equals("quoted-printable") ? .quotedPrintable : .unknown
        default: return .unknown
        }
    }
}

enum ValueEncoding { case text, quotedPrintable, binary }

/// What the name and parameters of a content line say about its value.
struct LineHeader {
    var name: PropertyName = .other
    var encoding: ValueEncoding = .text
    var charset: TextDecoding.Charset?
    var types: [String] = []
    var valueIsURI = false
}

/// A card being filled in, with the parts that can only be settled at its END.
struct CardBuilder {
    var card = ContactCard(format: .vcard)
    var start: Int
    var nComponents: [[String]]?
    var notes: [String] = []
    /// An AGENT's card (someone else's, not a lead); other nested 2.1 cards are cards of their own.
    var isAgent = false
    /// Where this card goes in the result: before the nested cards that end inside it.
    var resultIndex = 0

    /// The finished card, moved out of the builder (`ContactCard.moveOut`): returning
    /// `card`, even from a consuming method, copied it.
    mutating func finish() -> ContactCard {
        if let n = nComponents {
            // 2.1 has no comma lists in N: put back the commas split off before VERSION was known.
            let is21 = card.version?.hasPrefix("2") ?? false
            func part(_ i: Int) -> [String] {
                guard i < n.count else { return [] }
                var values = n[i]
                if is21 && values.count > 1 { values = [values.joined(separator: ",")] }
                // Usually there is nothing to drop: keep the array rather than filter a copy.
                if values.count == 1 { return values[0].isEmpty ? [] : values }
                return values.contains(where: \.isEmpty) ? values.filter { !$0.isEmpty } : values
            }
            card.name = StructuredName(family: part(0), given: part(1), additional: part(2),
                                       prefixes: part(3), suffixes: part(4))
        }
        if !notes.isEmpty { card.note = notes.joined(separator: "\n") }
        return card.moveOut()
    }
}

/// What one open card has used of `CardLimits`.
struct CardUsage {
    /// Lines of TEL, EMAIL, URL, ADR and NOTE read.
    var values = SIMD8<Int32>()
    /// Bytes of text kept, all values, and of the notes (which are joined into one).
    var textBytes = 0
    var noteBytes = 0
    /// Bounds already reported for this card, one bit each, so each is reported once.
    var reported: UInt8 = 0

    static let cardBound: UInt8 = 1 << 7

    /// Counts a line of `name`; the bound's bit when the card has had
    /// `CardLimits.maximumValuesPerProperty` of them already, nil while there is room.
    mutating func count(_ name: PropertyName) -> UInt8? {
        let slot: Int
        switch name {
        case .tel: slot = 0
        case .email: slot = 1
        case .url: slot = 2
        case .adr: slot = 3
        case .note: slot = 4
        default: return nil
        }
        if values[slot] >= Int32(CardLimits.maximumValuesPerProperty) { return 1 << UInt8(slot) }
        values[slot] += 1
        return nil
    }
}

struct ParseState {
    let parser: VCardParser
    var result = VCardParseResult()
    var stack: [CardBuilder] = []
    /// What each open card has used of `CardLimits`, beside `stack`: plain numbers, read
    /// for every line without touching (and copying) the card.
    var usage: [CardUsage] = []
    var sawBegin = false
    /// Issues past `CardLimits.maximumIssues`, counted only.
    var droppedIssues = 0
    /// An `AGENT:` with an empty value: the next BEGIN opens a nested card, not a new one.
    var agentPending = false
    var scratch: [UInt8] = []
    var decoded: [UInt8] = []
    var charsetBuffer: [UInt8] = []
    /// Headers with parameters, already parsed, with their bytes (name and parameters).
    /// Exporters repeat a handful (`TEL;TYPE=CELL`, `EMAIL;TYPE=INTERNET,WORK`) on every
    /// card, and parsing one allocates its TYPE list; the cached list is shared instead.
    var knownHeaders: [(bytes: [UInt8], header: LineHeader)] = []
    var nextKnownHeader = 0
    static let knownHeaderLimit = 16, knownHeaderMaxBytes = 80

    init(parser: VCardParser) {
        self.parser = parser
        scratch.reserveCapacity(256)
        decoded.reserveCapacity(256)
        charsetBuffer.reserveCapacity(256)
    }

    /// The physical line starting at `pos`: its content range and where the next one starts.
    /// CR LF, LF, a lone CR and CR CR LF each end one line.
    @inline(__always)
    static func physicalLine(_ p: UnsafeBufferPointer<UInt8>, _ pos: Int) -> (end: Int, next: Int) {
        var i = pos
        let n = p.count
        while i < n {
            let c = p[i]
            if c == LF { return (i, i + 1) }
            if c == CR {
                if i + 1 < n && p[i + 1] == LF { return (i, i + 2) }
                if i + 2 < n && p[i + 1] == CR && p[i + 2] == LF { return (i, i + 3) }
                return (i, i + 1)
            }
            i += 1
        }
        return (n, n)
    }

    mutating func run(_ p: UnsafeBufferPointer<UInt8>) {
        var pos = 0
        if p.count >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { pos = 3 }
        let n = p.count
        while pos < n {
            let lineStart = pos
            let (end, next) = Self.physicalLine(p, pos)
            pos = next
            if end == lineStart { continue }
            // Leading white space on a line that is not a continuation (we are at a line
            // start here) is noise some exporters add; skip it.
            var s = lineStart
            while s < end && (p[s] == SP || p[s] == TAB) { s += 1 }
            if s == end { continue }
            guard let colon = Self.findColon(p, s, end) else {
                // A folded header, or junk. Assemble the folded line and look again.
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[s..<end]))
                pos = appendFolded(p, pos, quotedPrintable: false)
                let assembled = scratch
                assembled.withUnsafeBufferPointer { q in
                    if let c = Self.findColon(q, 0, q.count) {
                        handleLine(q, 0, c, q.count, offset: lineStart, continuation: pos)
                    } else if !stack.isEmpty {
                        report(.malformedLine, offset: lineStart)
                    }
                }
                continue
            }
            var header = lineHeader(p, s, colon)
            // Fast path: a one-line value is used in place, without copying.
            let foldFollows = pos < n && (p[pos] == SP || p[pos] == TAB)
            let qpContinues = header.encoding == .quotedPrintable && end > colon + 1 && p[end - 1] == EQUALS && pos < n
            let base64Continues = header.encoding == .binary && pos < n && Self.isBareBase64Line(p, pos)
            if !foldFollows && !qpContinues && !base64Continues {
                handleParsed(&header, UnsafeBufferPointer(rebasing: p[(colon + 1)..<end]), offset: lineStart, lineEnd: pos)
                continue
            }
            if header.name == .other || header.encoding == .binary {
                pos = skipContinuations(p, pos, header: header, lastByte: p[end - 1])
                continue
            }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[(colon + 1)..<end]))
            pos = appendFolded(p, pos, quotedPrintable: header.encoding == .quotedPrintable)
            let value = scratch
            value.withUnsafeBufferPointer { v in
                handleParsed(&header, v, offset: lineStart, lineEnd: pos)
            }
        }
        // Input ended inside cards: keep what they hold, flagged as torn.
        while var builder = stack.popLast() {
            report(.missingEnd, offset: builder.start)
            if !builder.isAgent {
                let start = builder.start, index = builder.resultIndex
                emit(ParsedCard(card: builder.finish(), range: start..<n, isTorn: true), at: index)
            }
        }
        if droppedIssues > 0 {
            result.issues.append(ContactFormatError(.moreIssues(droppedIssues), offset: nil))
        }
    }

    /// Lists an issue, up to `CardLimits.maximumIssues` (a million bad lines are one input's
    /// problem, not a million entries); the rest are counted.
    mutating func report(_ code: ContactFormatError.Code, offset: Int?) {
        if result.issues.count < CardLimits.maximumIssues {
            result.issues.append(ContactFormatError(code, offset: offset))
        } else {
            droppedIssues += 1
        }
    }

    /// Reports a bound reached by the card at `index`, once per card and `bound`.
    mutating func report(_ code: ContactFormatError.Code, bound: UInt8, card index: Int, offset: Int) {
        guard usage[index].reported & bound == 0 else { return }
        usage[index].reported |= bound
        report(code, offset: offset)
    }

    /// A finished card, put in input order: after the cards nested in it, it goes before them.
    mutating func emit(_ card: ParsedCard, at index: Int) {
        if index >= result.cards.count { result.cards.append(card) } else { result.cards.insert(card, at: index) }
    }

    /// Appends continuation lines to `scratch`: folded lines without their first white-space
    /// character, and after a quoted-printable soft break (`=` at the end) the whole next line.
    mutating func appendFolded(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, quotedPrintable: Bool) -> Int {
        var pos = start
        let n = p.count
        while pos < n {
            if quotedPrintable, scratch.last == EQUALS {
                scratch.removeLast()
                let (end, next) = Self.physicalLine(p, pos)
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[pos..<end]))
                pos = next
            } else if p[pos] == SP || p[pos] == TAB {
                let (end, next) = Self.physicalLine(p, pos)
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: p[(pos + 1)..<end]))
                pos = next
            } else {
                break
            }
            if scratch.count > parser.maximumRawValueLength {
                // Too long to keep: step over the rest of its lines, or they would be read as properties.
                let rest = LineHeader(encoding: quotedPrintable ? .quotedPrintable : .text)
                return skipContinuations(p, pos, header: rest, lastByte: scratch.last ?? 0)
            }
        }
        return pos
    }

    /// Moves past the continuation lines of a value that is not needed, copying nothing.
    func skipContinuations(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, header: LineHeader, lastByte: UInt8) -> Int {
        var pos = start
        var last = lastByte
        let n = p.count
        while pos < n {
            let (end, next) = Self.physicalLine(p, pos)
            let qpBreak = header.encoding == .quotedPrintable && last == EQUALS
            let folded = p[pos] == SP || p[pos] == TAB
            // 2.1 writers put BASE64 lines unindented, ended by a blank line.
            let bareBase64 = header.encoding == .binary && end > pos && Self.isBareBase64Line(p, pos)
            guard qpBreak || folded || bareBase64 else { break }
            if end > pos { last = p[end - 1] } else { last = 0 }
            pos = next
        }
        return pos
    }

    /// A non-empty line of only base64 characters: a 2.1 binary value going on unindented.
    static func isBareBase64Line(_ p: UnsafeBufferPointer<UInt8>, _ pos: Int) -> Bool {
        let (end, _) = physicalLine(p, pos)
        guard end > pos else { return false }
        for i in pos..<end {
            let c = p[i]
            let ok = (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
                || c == 0x2B || c == 0x2F || c == EQUALS || c == SP || c == TAB
            if !ok { return false }
        }
        return true
    }

    /// The first `:` outside a quoted parameter value.
    static func findColon(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Int? {
        var quoted = false
        var i = s
        while i < e {
            let c = p[i]
            if c == QUOTE { quoted.toggle() }
            else if c == COLON && !quoted { return i }
            i += 1
        }
        // An unbalanced quote: fall back to the first colon at all.
        if quoted {
            for j in s..<e where p[j] == COLON { return j }
        }
        return nil
    }

    /// `parseHeader`, answered from `knownHeaders` when the same bytes were parsed before.
    mutating func lineHeader(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ colon: Int) -> LineHeader {
        let count = colon - s
        guard count <= Self.knownHeaderMaxBytes, p[s..<colon].contains(SEMI) else {
            return Self.parseHeader(p, s, colon)
        }
        let bytes = UnsafeBufferPointer(rebasing: p[s..<colon])
        for known in knownHeaders where known.bytes.count == count && known.bytes.elementsEqual(bytes) {
            return known.header
        }
        let header = Self.parseHeader(p, s, colon)
        let entry = (bytes: Array(bytes), header: header)
        if knownHeaders.count < Self.knownHeaderLimit {
            knownHeaders.append(entry)
        } else {
            knownHeaders[nextKnownHeader] = entry
            nextKnownHeader = (nextKnownHeader + 1) % Self.knownHeaderLimit
        }
        return header
    }

    static func parseHeader(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ colon: Int) -> LineHeader {
        var header = LineHeader()
        var nameEnd = s
        while nameEnd < colon && p[nameEnd] != SEMI { nameEnd += 1 }
        var nameStart = s
        for i in s..<nameEnd where p[i] == DOT { nameStart = i + 1 }
        header.name = PropertyName.match(p, nameStart..<nameEnd)
        var i = nameEnd
        let wantsTypes = header.name == .tel || header.name == .email || header.name == .adr || header.name == .url
        if wantsTypes && nameEnd < colon {
            // At most one type per parameter or list item: one allocation, not one per append.
            var separators = 0
            for k in nameEnd..<colon where p[k] == SEMI || p[k] == COMMA { separators += 1 }
            header.types.reserveCapacity(separators)
        }
        while i < colon {
            // p[i] is ';'
            let paramStart = i + 1
            var j = paramStart
            var quoted = false
            while j < colon {
                let c = p[j]
                if c == QUOTE { quoted.toggle() } else if c == SEMI && !quoted { break }
                j += 1
            }
            applyParameter(p, paramStart..<j, to: &header, wantsTypes: wantsTypes)
            i = j
        }
        return header
    }

    static func applyParameter(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, to header: inout LineHeader, wantsTypes: Bool) {
        guard !range.isEmpty else { return }
        var eq = range.lowerBound
        while eq < range.upperBound && p[eq] != EQUALS { eq += 1 }
        if eq == range.upperBound {
            // 2.1 bare parameter: an encoding, or else a type.
            switch ParameterWord.match(p, range) {
            case .quotedPrintable: header.encoding = .quotedPrintable
            case .base64, .b: header.encoding = .binary
            case .eightBit, .sevenBit: break
            default: if wantsTypes { appendTypes(p, range, to: &header) }
            }
            return
        }
        let valueRange = (eq + 1)..<range.upperBound
        switch ParameterWord.match(p, range.lowerBound..<eq) {
        case .encoding:
            switch ParameterWord.match(p, valueRange) {
            case .quotedPrintable: header.encoding = .quotedPrintable
            case .b, .base64: header.encoding = .binary
            default: break
            }
        case .charset:
            header.charset = TextDecoding.charset(named: lowered(p, valueRange))
        case .type:
            if wantsTypes { appendTypes(p, valueRange, to: &header) }
        case .value:
            header.valueIsURI = ParameterWord.match(p, valueRange) == .uri
        case .pref:
            if wantsTypes { header.types.append("pref") }
        default:
            break
        }
    }

    /// A comma-separated TYPE list, quotes dropped, lower-cased; common words without allocating.
    static func appendTypes(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, to header: inout LineHeader) {
        var start = range.lowerBound
        var i = range.lowerBound
        while i <= range.upperBound {
            if i == range.upperBound || p[i] == COMMA {
                var s = start, e = i
                while s < e && (p[s] == QUOTE || p[s] == SP || p[s] == TAB) { s += 1 }
                while e > s && (p[e - 1] == QUOTE || p[e - 1] == SP || p[e - 1] == TAB) { e -= 1 }
                if s < e {
                    if let common = ParameterWord.match(p, s..<e).commonType {
                        header.types.append(common)
                    } else {
                        header.types.append(lowered(p, s..<e))
                    }
                }
                start = i + 1
            }
            i += 1
        }
    }

    static func lowered(_ p: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(r.count)
        for k in r {
            var c = p[k]
            if c == QUOTE || c == SP || c == TAB { continue }
            if c >= 0x41 && c <= 0x5A { c += 0x20 }
            bytes.append(c)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Properties

    mutating func handleLine(_ p: UnsafeBufferPointer<UInt8>, _ s: Int, _ colon: Int, _ end: Int, offset: Int, continuation: Int?) {
        var header = Self.parseHeader(p, s, colon)
        handleParsed(&header, UnsafeBufferPointer(rebasing: p[(colon + 1)..<end]), offset: offset, lineEnd: continuation ?? offset)
    }

    mutating func handleParsed(_ header: inout LineHeader, _ raw: UnsafeBufferPointer<UInt8>, offset: Int, lineEnd: Int) {
        switch header.name {
        case .begin:
            guard Self.equalsIgnoringCase(raw, "VCARD") else { return }
            sawBegin = true
            // 2.1 nests cards (an AGENT's, or a card written inside a card): a BEGIN in an
            // open 2.1 card opens a nested one, and the outer card goes on after its END.
            // Nothing nests in 3.0 and 4.0: there a BEGIN means the open card is torn.
            let nests = agentPending || (stack.last?.card.version.map { $0.hasPrefix("2") } ?? false)
            if !stack.isEmpty && !nests {
                // A new card before the last one ended: the last one is torn.
                // Unwind any open nested cards too: the outermost one is the card that is torn.
                usage.removeAll(keepingCapacity: true)
                while var torn = stack.popLast() {
                    let start = torn.start, index = torn.resultIndex
                    report(.missingEnd, offset: start)
                    if !torn.isAgent {
                        emit(ParsedCard(card: torn.finish(), range: start..<offset, isTorn: true), at: index)
                    }
                }
            }
            if stack.count >= parser.maximumNesting {
                report(.nestingTooDeep, offset: offset)
                return
            }
            var builder = CardBuilder(start: offset)
            // An AGENT's card describes someone else: it is read but is no lead, nor is
            // anything nested in it.
            builder.isAgent = !stack.isEmpty && (agentPending || stack[stack.count - 1].isAgent)
            builder.resultIndex = result.cards.count
            stack.append(builder)
            usage.append(CardUsage())
            agentPending = false
            return
        case .end:
            guard Self.equalsIgnoringCase(raw, "VCARD") else { return }
            guard var builder = stack.popLast() else {
                report(.unexpectedEnd, offset: offset)
                return
            }
            usage.removeLast()
            if !builder.isAgent {
                let start = builder.start, index = builder.resultIndex
                emit(ParsedCard(card: builder.finish(), range: start..<lineEnd, isTorn: false), at: index)
            }
            return
        case .other:
            agentPending = false
            return
        default:
            break
        }
        guard !stack.isEmpty else { return }
        agentPending = false
        if header.encoding == .binary { return }
        if header.name == .agent {
            // 2.1 puts the agent's card on the following lines; 3.0 escapes it into the value.
            agentPending = Self.isBlank(raw)
            return
        }
        let index = stack.count - 1
        if let bound = usage[index].count(header.name) {
            report(.tooManyValues, bound: bound, card: index, offset: offset)
            return
        }
        // A value past the bounds is cut: first its raw bytes (the rest of its lines were
        // stepped over already), then its text.
        var cut = false
        var value = raw
        if value.count > parser.maximumRawValueLength {
            value = UnsafeBufferPointer(rebasing: raw[..<parser.maximumRawValueLength])
            cut = true
        }
        decodeValue(value, header: header)
        // A card's notes are joined into one: together they are one value.
        let room = header.name == .note ? max(0, parser.maximumValueLength - usage[index].noteBytes) : parser.maximumValueLength
        if decoded.count > room {
            let keep = decoded.withUnsafeBufferPointer { CardLimits.utf8Prefix($0, limit: room) }
            decoded.removeSubrange(keep...)
            cut = true
        }
        if cut { report(.valueTruncated, offset: offset) }
        if usage[index].textBytes + decoded.count > CardLimits.maximumCardTextBytes {
            report(.cardTooLarge, bound: CardUsage.cardBound, card: index, offset: offset)
            return
        }
        usage[index].textBytes += decoded.count
        if header.name == .note { usage[index].noteBytes += decoded.count + 1 }
        // `apply` is static: a method on self would read all of self while `stack[index]` is
        // written, and Swift would copy the whole state (and then the stack) for every line.
        decoded.withUnsafeBufferPointer { v in
            Self.apply(header, v, to: &stack[index])
        }
    }

    /// Decodes quoted-printable and the charset into `decoded`, as UTF-8 still escaped.
    mutating func decodeValue(_ raw: UnsafeBufferPointer<UInt8>, header: LineHeader) {
        decoded.removeAll(keepingCapacity: true)
        if header.encoding == .quotedPrintable {
            charsetBuffer.removeAll(keepingCapacity: true)
            QuotedPrintable.decode(raw, into: &charsetBuffer)
            charsetBuffer.withUnsafeBufferPointer { TextDecoding.appendUTF8($0, charset: header.charset, to: &decoded) }
        } else {
            TextDecoding.appendUTF8(raw, charset: header.charset, to: &decoded)
        }
    }

    static func apply(_ header: LineHeader, _ v: UnsafeBufferPointer<UInt8>, to builder: inout CardBuilder) {
        switch header.name {
        case .version:
            builder.card.version = VCardText.unescaped(v).trimmingSpaces()
        case .fn:
            if builder.card.formattedName == nil { builder.card.formattedName = VCardText.unescaped(v) }
        case .n:
            if builder.nComponents == nil {
                builder.nComponents = VCardText.components(v).map { VCardText.listValues($0) }
            }
        case .nickname:
            if builder.card.nickname == nil { builder.card.nickname = nonBlank(VCardText.unescaped(v)) }
        case .org:
            if builder.card.organization.isEmpty {
                builder.card.organization = VCardText.components(v).map { VCardText.unescaped($0) }
            }
        case .title:
            if builder.card.title == nil { builder.card.title = nonBlank(VCardText.unescaped(v)) }
        case .role:
            if builder.card.role == nil { builder.card.role = nonBlank(VCardText.unescaped(v)) }
        case .bday:
            if builder.card.birthday == nil { builder.card.birthday = nonBlank(VCardText.unescaped(v)) }
        case .note:
            if let note = nonBlank(VCardText.unescaped(v)) { builder.notes.append(note) }
        case .email:
            if let email = nonBlank(VCardText.unescaped(v).trimmingSpaces()) {
                // Cards hold a few: room for them at once, not grown by doubling from one.
                if builder.card.emails.isEmpty { builder.card.emails.reserveCapacity(Self.typicalValueCount) }
                builder.card.emails.append(TypedValue(email, types: header.types))
            }
        case .tel:
            var number = VCardText.unescaped(v).trimmingSpaces()
            if number.utf8.count >= 4, number.utf8.starts(with: "tel:".utf8, by: { ($0 | 0x20) == $1 }) {
                number = String(number.dropFirst(4))
            }
            if !number.isEmpty {
                if builder.card.phones.isEmpty { builder.card.phones.reserveCapacity(Self.typicalValueCount) }
                builder.card.phones.append(TypedValue(number, types: header.types))
            }
        case .url:
            if let url = nonBlank(VCardText.unescaped(v).trimmingSpaces()) { builder.card.urls.append(url) }
        case .adr:
            let parts = VCardText.components(v).map { VCardText.unescaped($0) }
            if parts.contains(where: { !$0.trimmingSpaces().isEmpty }) {
                builder.card.addresses.append(PostalAddress(components: parts, types: header.types))
            }
        case .begin, .end, .agent, .other:
            break
        }
    }

    /// Room reserved for a card's emails or phones when the first one is read.
    static let typicalValueCount = 4

    static func nonBlank(_ s: String) -> String? {
        s.utf8.contains(where: { $0 != SP && $0 != TAB && $0 != CR && $0 != LF }) ? s : nil
    }

    static func isBlank(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        !v.contains(where: { $0 != SP && $0 != TAB })
    }

    static func equalsIgnoringCase(_ v: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        var s = 0, e = v.count
        while s < e && (v[s] == SP || v[s] == TAB) { s += 1 }
        while e > s && (v[e - 1] == SP || v[e - 1] == TAB) { e -= 1 }
        guard e - s == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0..<(e - s) {
            var c = v[s + k]
            if c >= 0x61 && c <= 0x7A { c -= 0x20 }
            if c != w[k] { return false }
        }
        return true
    }
}
