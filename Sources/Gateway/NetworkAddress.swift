import Foundation

/// An IP address a host name resolved to, and whether a link from a tag may reach it.
struct NetworkAddress: Sendable, Hashable {
    enum Scope: Sendable, Hashable {
        case `public`
        case loopback
        /// Private, link-local, shared (CGNAT), multicast, reserved or unspecified: never fetched.
        case restricted(String)
    }

    /// 4 or 16 bytes.
    var bytes: [UInt8]

    var text: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
    }

    var scope: Scope {
        if bytes.count == 4 { return Self.scope(v4: bytes) }
        let b = bytes
        if b == [UInt8](repeating: 0, count: 15) + [1] { return .loopback }
        if b.allSatisfy({ $0 == 0 }) { return .restricted("unspecified") }
        // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d): the IPv4 address decides.
        if b[0..<10].allSatisfy({ $0 == 0 }) && b[10] == 0xFF && b[11] == 0xFF { return Self.scope(v4: Array(b[12...])) }
        if b[0..<12] == [0, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0][...] { return Self.scope(v4: Array(b[12...])) }
        if b[0] == 0xFE && b[1] & 0xC0 == 0x80 { return .restricted("link-local") }
        if b[0] & 0xFE == 0xFC { return .restricted("private (unique local)") }
        if b[0] == 0xFF { return .restricted("multicast") }
        if b[0..<12].allSatisfy({ $0 == 0 }) { return .restricted("reserved") }
        return .public
    }

    static func scope(v4 b: [UInt8]) -> Scope {
        switch (b[0], b[1]) {
        case (127, _): return .loopback
        case (0, _): return .restricted("unspecified")
        case (10, _), (192, 168): return .restricted("private")
        case (172, 16...31): return .restricted("private")
        case (100, 64...127): return .restricted("shared (CGNAT)")
        case (169, 254): return .restricted("link-local")
        case (192, 0) where b[2] == 0: return .restricted("reserved")
        case (198, 18...19): return .restricted("reserved (benchmarking)")
        case (224...239, _): return .restricted("multicast")
        case (240...255, _): return .restricted("reserved")
        default: return .public
        }
    }

    /// Every address `host` resolves to (an IP literal is itself). getaddrinfo blocks, so it
    /// runs on a thread of its own, not on the cooperative pool.
    static func resolve(_ host: String) async -> [NetworkAddress] {
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return await withCheckedContinuation { continuation in
            Thread {
                continuation.resume(returning: blockingResolve(name))
            }.start()
        }
    }

    private static func blockingResolve(_ host: String) -> [NetworkAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0 else { return [] }
        defer { freeaddrinfo(list) }
        var out: [NetworkAddress] = []
        var cursor = list
        while let entry = cursor {
            if let address = entry.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                        withUnsafeBytes(of: v4.pointee.sin_addr) { out.append(NetworkAddress(bytes: Array($0))) }
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                        withUnsafeBytes(of: v6.pointee.sin6_addr) { out.append(NetworkAddress(bytes: Array($0))) }
                    }
                default: break
                }
            }
            cursor = entry.pointee.ai_next
        }
        return Array(Set(out))
    }
}
