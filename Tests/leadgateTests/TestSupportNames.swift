import TestSupport

// The fixtures of these tests live in the TestSupport target, shared with the TagReaders tests;
// these names let every file here use them as before, without importing TestSupport.
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
typealias VirtualTag = TestSupport.VirtualTag
