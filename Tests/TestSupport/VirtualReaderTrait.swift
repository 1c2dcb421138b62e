import Testing

/// Gives a suite the process's pcscd with vpcd for its whole run, one suite at a time, and
/// afterwards stops the virtual tags left and pcscd.
public struct VirtualReaderTrait: SuiteTrait, TestScoping {
    public init() {}
    public var isRecursive: Bool { false }

    public func provideScope(for test: Test, testCase: Test.Case?,
                             performing function: @Sendable () async throws -> Void) async throws {
        await VirtualReaderFixture.turns.acquire()
        defer { VirtualReaderFixture.turns.release() }
        PrivatePCSCD.shared.useInThisProcess()
        var failure: (any Error)?
        do {
            try await PrivatePCSCD.shared.start()
            try await function()
        } catch {
            failure = error
        }
        await VirtualTag.stopAll()
        await PrivatePCSCD.shared.stop()
        if let failure { throw failure }
    }
}

/// The leadgate tests' name for the trait.
public typealias VirtualReaderSuiteTrait = VirtualReaderTrait

extension Trait where Self == VirtualReaderTrait {
    /// The process's own pcscd with vpcd for the suite; see ``VirtualReaderTrait``.
    public static var virtualReaders: Self { Self() }
}
