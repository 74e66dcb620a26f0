import CustomersContracts
import Foundation
import OmniMessaging

/// A profile as the merge rules see it.
public struct ProfileSummary: Sendable, Equatable {
    public var customerId: String
    public var createdAt: Date
    public var identifiers: [CustomerIdentifier]
    public init(customerId: String, createdAt: Date, identifiers: [CustomerIdentifier]) {
        self.customerId = customerId
        self.createdAt = createdAt
        self.identifiers = identifiers
    }

    var isIdentified: Bool { identifiers.contains { $0.kind.isStrong } }
}

/// When profiles prove to be one person (an anonymous session logs in, a loyalty card is
/// linked to an email) they merge into one. Two profiles that each carry an email — or
/// each a phone — and share none of them are two different people: refused.
/// The survivor is an identified profile (email or phone) if there is one, else the
/// oldest; ties by age, then id.
public enum MergeRules {
    public struct Plan: Sendable, Equatable {
        public var survivorId: String
        public var mergedIds: [String]
        public init(survivorId: String, mergedIds: [String]) {
            self.survivorId = survivorId
            self.mergedIds = mergedIds
        }
    }

    public static func plan(_ profiles: [ProfileSummary]) throws(Rejection) -> Plan {
        precondition(profiles.count >= 2, "a merge needs two profiles")
        for (index, a) in profiles.enumerated() {
            for b in profiles[(index + 1)...] {
                for kind in CustomerIdentifier.Kind.allCases where kind.isStrong {
                    let left = Set(a.identifiers.filter { $0.kind == kind }), right = Set(b.identifiers.filter { $0.kind == kind })
                    if !left.isEmpty, !right.isEmpty, left.isDisjoint(with: right) {
                        throw Rejection("conflicting-identities",
                                        "customers \(a.customerId) and \(b.customerId) have different \(kind.rawValue)s: they are two people, not merged")
                    }
                }
            }
        }
        let survivor = profiles.sorted { x, y in
            if x.isIdentified != y.isIdentified { return x.isIdentified }
            if x.createdAt != y.createdAt { return x.createdAt < y.createdAt }
            return x.customerId < y.customerId
        }[0]
        return Plan(survivorId: survivor.customerId, mergedIds: profiles.map(\.customerId).filter { $0 != survivor.customerId }.sorted())
    }
}
