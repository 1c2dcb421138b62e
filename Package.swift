// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "leadgate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "leadgate", targets: ["leadgate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // System libraries: a module map and a shim header each, no Swift.
        .systemLibrary(name: "CPCSCLite", pkgConfig: "libpcsclite", providers: [.apt(["libpcsclite-dev"])]),
        .systemLibrary(name: "CNFC", pkgConfig: "libnfc", providers: [.apt(["libnfc-dev"])]),
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibPQ", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // A few C functions over libphonenumber's C++ API, so Swift needs no C++ interop.
        .target(
            name: "CPhoneNumber",
            cxxSettings: [.unsafeFlags(["-std=c++17"])],
            linkerSettings: [.linkedLibrary("phonenumber"), .linkedLibrary("stdc++")]
        ),

        .target(name: "NDEF"),
        .target(name: "ContactFormats", dependencies: ["NDEF"]),
        .target(name: "Leads", dependencies: ["ContactFormats", "CPhoneNumber", "CCrypto"]),
        .target(
            name: "LeadStore",
            dependencies: ["Leads", "CSQLite", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "Gateway",
            dependencies: ["NDEF", "ContactFormats", "Leads", "LeadStore", "TagReaders", .product(name: "Logging", package: "swift-log")]
        ),
        .target(name: "Forwarding", dependencies: ["Leads", "LeadStore", "CLibPQ", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "TagReaders",
            dependencies: ["NDEF", "ContactFormats", "CPCSCLite", "CNFC", .product(name: "Logging", package: "swift-log")]
        ),
        .executableTarget(
            name: "leadgate",
            dependencies: [
                "NDEF", "ContactFormats", "Leads", "TagReaders", "LeadStore", "Gateway", "Forwarding",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            // jemalloc's malloc in place of glibc's (Debian's libjemalloc-dev): a card's decode
            // allocates some thirty strings and arrays, freed again on other threads; an import
            // of 100,000 cards took 12-15% less CPU (README, "Figures").
            linkerSettings: [.linkedLibrary("jemalloc")]
        ),

        // Test machinery several test targets share: child processes, a private PostgreSQL
        // cluster, the webhook receiver. Built only with the tests.
        .target(name: "TestSupport", dependencies: ["CLibPQ"], path: "Tests/TestSupport"),

        .testTarget(name: "NDEFTests", dependencies: ["NDEF"]),
        .testTarget(name: "ContactFormatsTests", dependencies: ["ContactFormats"]),
        .testTarget(name: "LeadsTests", dependencies: ["Leads", "CPhoneNumber"]),
        .testTarget(name: "LeadStoreTests", dependencies: ["LeadStore", "Leads", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "LeadStore", "Leads", "ContactFormats", "TestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "ForwardingTests", dependencies: ["Forwarding", "LeadStore", "Leads", "TestSupport"]),
        .testTarget(name: "TagReadersTests", dependencies: ["TagReaders", "NDEF", "TestSupport"]),
        .testTarget(name: "leadgateTests", dependencies: ["leadgate", "NDEF", "ContactFormats", "Leads", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
