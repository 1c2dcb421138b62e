import CLibPQ

/// One `PGresult`, cleared when the last reference goes.
final class PostgresResult {
    let handle: OpaquePointer

    init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    deinit { LibPQ.clear(handle) }

    var status: ExecStatusType { LibPQ.resultStatus(handle) }
    var rowCount: Int { LibPQ.rowCount(handle) }
    var affectedRows: Int { LibPQ.affectedRows(handle) }

    func value(row: Int, column: Int) -> String? {
        guard row < rowCount, column < LibPQ.columnCount(handle) else { return nil }
        return LibPQ.value(handle, row: row, column: column)
    }

    /// The first column of the first row: what `SELECT count(*)` and friends return.
    var scalar: String? { value(row: 0, column: 0) }
}
