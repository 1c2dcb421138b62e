extension Duration {
    /// Whole microseconds, for log metadata and reports.
    var microseconds: Int64 {
        components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000
    }
}
