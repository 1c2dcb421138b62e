import Foundation

/// A `leadgate` child the test can kill mid-run and whose peak memory it reads (from wait4).
public final class SpawnedLeadgate {
    public struct Exit {
        /// The exit code, or nil when a signal ended it.
        public var status: Int32?
        public var signal: Int32?
        /// Peak resident set size in kilobytes (ru_maxrss).
        public var peakRSSKilobytes: Int
        public var stdout: String
        public var stderr: String
    }

    public let process: SpawnedProcess
    public var pid: pid_t { process.pid }

    /// Starts `leadgate ARGUMENTS` without LEADGATE_LOG_LEVEL, stdin from `stdinPath`.
    public init(_ arguments: [String], stdinPath: String = "/dev/null") throws {
        process = try SpawnedProcess(LeadgateBinary.url.path, arguments, unsetting: ["LEADGATE_LOG_LEVEL"], stdinPath: stdinPath)
    }

    deinit {
        if process.status == nil { process.kill() }
    }

    public func kill(_ signal: Int32) { process.kill(signal) }

    /// Waits for the child to end and collects what it left.
    @discardableResult
    public func wait() throws -> Exit {
        let code = try process.waitBlocking(timeout: .seconds(900))
        let signal: Int32? = code > 128 ? code - 128 : nil
        return Exit(status: signal == nil ? code : nil, signal: signal, peakRSSKilobytes: process.peakRSSKilobytes ?? 0,
                    stdout: process.stdout, stderr: process.stderr)
    }
}
