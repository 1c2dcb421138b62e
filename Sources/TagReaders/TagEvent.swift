/// What a ``TagReader`` reports: taps, and the state of readers and of the PC/SC service.
///
/// A UI shows readers from `readerAdded`/`readerRemoved` and the service from
/// `serviceAvailable`/`serviceUnavailable`; a stream starts with the current state.
public enum TagEvent: Sendable {
    /// The service answers again (or for the first time).
    case serviceAvailable
    /// The service is gone; the backend retries until it is back.
    case serviceUnavailable(TagReaderError)
    case readerAdded(String)
    case readerRemoved(String)
    /// A tag arrived and was read (maybe incompletely: see ``Tap/interruption``).
    case tap(Tap)
    /// The tag left the reader.
    case tagRemoved(reader: String)
}
