/// A source of taps: the PC/SC readers (``PCSCBackend``) or simulated ones (``SimulatedBackend``).
public protocol TagReader: Sendable {
    /// The readers attached now and whether a tag is on each.
    func readers() async throws(TagReaderError) -> [ReaderStatus]

    /// Watches the selected readers and reads each tag once per arrival.
    ///
    /// The stream starts with the service and reader state, then reports changes and taps; it
    /// keeps going while the service is away and comes back, and ends when the consumer stops.
    func events(on selection: ReaderSelection) -> AsyncStream<TagEvent>
}

extension TagReader {
    /// Watches every reader.
    public func events() -> AsyncStream<TagEvent> {
        events(on: .all)
    }
}
