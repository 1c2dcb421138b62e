import TestSupport

// The fixtures of these tests live in the TestSupport target, shared with the leadgate tests;
// these names let every file here use them as before, without importing TestSupport.
typealias VirtualReaders = TestSupport.VirtualReaderFixture
typealias VirtualReaderTrait = TestSupport.VirtualReaderTrait
typealias VirtualReaderFailure = TestSupport.HarnessFailure
typealias VirtualTag = TestSupport.VirtualTag
typealias SpawnedProcess = TestSupport.SpawnedProcess
