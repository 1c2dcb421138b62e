import Foundation

extension NextAction {
    /// The action of a lead whose follow-up is done and that has no next step (`leadgate
    /// done` without `--next`): never overdue.
    public static let noAction = "none"
}

extension Lead {
    /// True if the next action is past due at `now` (a lead with no next step never is).
    public func isOverdue(at now: Date) -> Bool {
        nextAction.due < now && nextAction.action != NextAction.noAction
    }
}
