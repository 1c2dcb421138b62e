import Leads

/// HMAC-SHA256 (RFC 2104) over the `SHA256` of module Leads, for webhook signatures.
///
/// Written here for the same reason as that SHA256: Foundation on Linux has no HMAC and the
/// project takes no crypto package for one signature. Delete both if swift-crypto joins.
enum HMAC {
    private static let blockSize = 64

    static func sha256(key: [UInt8], message: some Sequence<UInt8>) -> [UInt8] {
        var block = key.count > blockSize ? hash(key) : key
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        var inner = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(message)
        var outer = SHA256()
        outer.update(block.map { $0 ^ 0x5C })
        outer.update(inner.finalize())
        return outer.finalize()
    }

    private static func hash(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}
