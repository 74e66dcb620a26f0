/// A customer joined (`member`) or left a segment; promotions keep who is in which
/// segment from these to target offers.
public struct SegmentMembershipChanged: Codable, Sendable, Equatable {
    public var customerId: String
    public var segmentId: String
    public var member: Bool
    public init(customerId: String, segmentId: String, member: Bool) {
        self.customerId = customerId
        self.segmentId = segmentId
        self.member = member
    }
}
