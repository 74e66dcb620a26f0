/// The `ce_type` of every command the customers service accepts on `customers.commands`,
/// every event it publishes on `customers.events`, and the channel interactions it reads.
public enum CustomersType {
    // Commands.
    public static let registerCustomer = "omni.customers.RegisterCustomer.v1"
    public static let updateProfile = "omni.customers.UpdateProfile.v1"
    public static let linkIdentifier = "omni.customers.LinkIdentifier.v1"
    public static let recordConsent = "omni.customers.RecordConsent.v1"
    public static let setContactPreferences = "omni.customers.SetContactPreferences.v1"
    public static let adjustLoyalty = "omni.customers.AdjustLoyalty.v1"
    public static let redeemLoyalty = "omni.customers.RedeemLoyalty.v1"
    public static let holdLoyalty = "omni.customers.HoldLoyalty.v1"
    public static let eraseCustomer = "omni.customers.EraseCustomer.v1"
    public static let submitLead = "omni.customers.SubmitLead.v1"
    public static let setLeadRules = "omni.customers.SetLeadRules.v1"
    public static let recordLeadVisit = "omni.customers.RecordLeadVisit.v1"
    public static let advanceLead = "omni.customers.AdvanceLead.v1"
    public static let reassignLead = "omni.customers.ReassignLead.v1"
    public static let defineSegment = "omni.customers.DefineSegment.v1"

    // Events.
    public static let customerRegistered = "omni.customers.CustomerRegistered.v1"
    public static let profileUpdated = "omni.customers.ProfileUpdated.v1"
    public static let identifierLinked = "omni.customers.IdentifierLinked.v1"
    public static let customersMerged = "omni.customers.CustomersMerged.v1"
    public static let consentChanged = "omni.customers.ConsentChanged.v1"
    public static let contactPreferencesChanged = "omni.customers.ContactPreferencesChanged.v1"
    public static let loyaltyChanged = "omni.customers.LoyaltyChanged.v1"
    public static let loyaltyHeld = "omni.customers.LoyaltyHeld.v1"
    public static let customerErased = "omni.customers.CustomerErased.v1"
    /// A customer joined or left a segment (promotions target segments).
    public static let segmentMembershipChanged = "omni.customers.SegmentMembershipChanged.v1"
    public static let segmentDefined = "omni.customers.SegmentDefined.v1"
    public static let leadRulesChanged = "omni.customers.LeadRulesChanged.v1"
    public static let leadRouted = "omni.customers.LeadRouted.v1"
    public static let leadVisitRecorded = "omni.customers.LeadVisitRecorded.v1"
    public static let leadConverted = "omni.customers.LeadConverted.v1"
    public static let leadAdvanced = "omni.customers.LeadAdvanced.v1"
    public static let leadReassigned = "omni.customers.LeadReassigned.v1"
    public static let commandRejected = "omni.customers.CommandRejected.v1"

    /// On `channels.interactions`: a page view, store visit, QR scan, search... by a known
    /// or anonymous person.
    public static let interactionRecorded = "omni.channels.InteractionRecorded.v1"
}
