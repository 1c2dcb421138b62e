import TestSupport

// The fixtures of these tests live in the TestSupport target, shared with the leadgate tests;
// the names these tests had for them stay, so that files here use them without importing
// TestSupport (a file that imports it too sees the same types).
typealias VirtualReaders = TestSupport.VirtualReaderFixture
typealias VirtualReaderTrait = TestSupport.VirtualReaderTrait
typealias VirtualReaderFailure = TestSupport.HarnessFailure
typealias VirtualTag = TestSupport.VirtualTag
typealias ChildProcess = TestSupport.ChildProcess
