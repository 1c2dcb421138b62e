import CCrypto

/// SHA-256 (FIPS 180-4), for the per-event hashes that make re-imports idempotent and for
/// webhook signatures.
///
/// OpenSSL's libcrypto does the hashing: its assembly uses the CPU's SHA extensions, three
/// times the speed of the block function written here in Swift before (an import hashes
/// every card; that function was a tenth of the decode threads' time).
public struct SHA256: Sendable {
    private var context = SHA256_CTX()

    public init() {
        SHA256_Init(&context)
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        SHA256_Update(&context, base, bytes.count)
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    public mutating func update(_ bytes: some Sequence<UInt8>) {
        if let done: Void = bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) { return done }
        update(Array(bytes))
    }

    public mutating func update(_ string: String) {
        var string = string
        string.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// The 32-byte digest. The hasher is spent afterwards.
    public mutating func finalize() -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 32) { out, count in
            SHA256_Final(out.baseAddress, &context)
            count = 32
        }
    }

    /// The digest of `bytes` as 64 lower-case hex digits.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalizeHex()
    }

    public mutating func finalizeHex() -> String {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digest in
            SHA256_Final(digest.baseAddress, &context)
            return String(unsafeUninitializedCapacity: 64) { out in
                for i in 0..<32 {
                    out[2 * i] = Self.hexDigit(digest[i] >> 4)
                    out[2 * i + 1] = Self.hexDigit(digest[i] & 0xF)
                }
                return 64
            }
        }
    }

    @inline(__always) static func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 0x30 + v : 0x57 + v }
}
