import TestSupport

// The fixtures of these tests live in the TestSupport target, shared with the TagReaders tests;
// the names these tests had for them stay, so that files here use them without importing
// TestSupport (a file that imports it too sees the same types).
typealias SpawnedProcess = TestSupport.SpawnedProcess
typealias SpawnedLeadgate = TestSupport.SpawnedLeadgate
typealias LeadgateBinary = TestSupport.LeadgateBinary
typealias CLIWorkspace = TestSupport.CLIWorkspace
typealias CardText = TestSupport.CardText
typealias TmuxSession = TestSupport.TmuxSession
typealias TmuxFailure = TestSupport.HarnessFailure
typealias FixtureFailure = TestSupport.HarnessFailure
typealias VirtualReaderFixture = TestSupport.VirtualReaderFixture
typealias VirtualReaderSuiteTrait = TestSupport.VirtualReaderTrait
