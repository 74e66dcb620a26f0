import CustomersContracts
import Foundation
import OmniMessaging

/// A lead's steps and its time to act, as rules without I/O: which status may follow which,
/// when the assignee must have acted, and who gets the lead when they did not.
public enum LeadLifecycle {
    /// The longest time to act a route may give (a year), so a due date never overflows.
    public static let maxSlaSeconds = 366 * 86_400

    /// Whether a lead at `from` may move to `to` (by `AdvanceLead`); disqualifying needs a reason.
    public static func advance(from: LeadStatus, to: LeadStatus, reason: String?) throws(Rejection) {
        let allowed: Set<LeadStatus> = switch from {
        case .new: [.contacted, .qualified, .disqualified]
        case .contacted: [.qualified, .disqualified]
        case .qualified: [.disqualified]
        case .disqualified, .converted: []
        }
        guard to != .new, to != .converted else {
            throw Rejection("invalid-status", "a lead becomes \(to.rawValue) by itself (submitted, or its person's first order), not by AdvanceLead")
        }
        guard allowed.contains(to) else {
            throw Rejection("invalid-transition", "a \(from.rawValue) lead cannot become \(to.rawValue)")
        }
        if to == .disqualified, (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw Rejection("reason-required", "disqualifying a lead needs a reason (no budget, competitor, not reachable...)")
        }
    }

    /// Whether the lead is still open to the assignee's work (and to conversion).
    public static func isOpen(_ status: LeadStatus) -> Bool { status == .new || status == .contacted || status == .qualified }

    /// The time to act and the escalation of the route a decision took: the matching
    /// rule's, else the fallback's own time to act (escalating to nobody else).
    public struct Route: Sendable, Equatable {
        public var slaSeconds: Int?
        public var escalateTo: LeadAssignee?
        public init(slaSeconds: Int?, escalateTo: LeadAssignee?) {
            self.slaSeconds = slaSeconds
            self.escalateTo = escalateTo
        }
    }

    public static func route(of decision: LeadRules.Decision, rules: SetLeadRules) -> Route {
        guard let ruleId = decision.ruleId, let rule = rules.routing.first(where: { $0.ruleId == ruleId }) else {
            return Route(slaSeconds: rules.fallbackSlaSeconds, escalateTo: nil)
        }
        let target = rule.escalateTo ?? rules.fallback
        return Route(slaSeconds: rule.slaSeconds, escalateTo: target == rule.assignee ? nil : target)
    }

    /// When a lead given at `start` must have been acted on.
    public static func due(from start: Date, slaSeconds: Int?) -> Date? {
        slaSeconds.map { start.addingTimeInterval(TimeInterval(min(max($0, 0), maxSlaSeconds))) }
    }

    /// The rule table's times to act are positive and bounded.
    public static func validate(_ rules: SetLeadRules) throws(Rejection) {
        let slas = rules.routing.compactMap(\.slaSeconds) + [rules.fallbackSlaSeconds].compactMap { $0 }
        if let bad = slas.first(where: { !(1...maxSlaSeconds).contains($0) }) {
            throw Rejection("invalid-rule", "a time to act is 1 to \(maxSlaSeconds) seconds, got \(bad)")
        }
        if let rule = rules.routing.first(where: { $0.escalateTo?.id.isEmpty == true }) {
            throw Rejection("invalid-rule", "\(rule.ruleId): the escalation assignee needs an id")
        }
    }
}
