import LeadStore

extension CaptureOptions {
    /// These options with the event spelled as the store already has it; says so on stderr.
    func matchingStoredEvent(in store: LeadStore) -> (options: CaptureOptions, notice: String?) {
        let (name, notice) = EventSpelling.resolve(event, in: store)
        var options = self
        options.event = name
        if let notice { Terminal.printWarning(notice) }
        return (options, notice)
    }
}
