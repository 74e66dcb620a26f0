/// The `ce_type` of every command the promotions service accepts on `promotions.commands`
/// and every event it publishes on `promotions.events`.
public enum PromotionsType {
    // Commands.
    public static let upsertPromotion = "omni.promotions.UpsertPromotion.v1"
    /// Saga commands from orders, keyed by order id.
    public static let applyPromotions = "omni.promotions.ApplyPromotions.v1"
    public static let commitRedemptions = "omni.promotions.CommitRedemptions.v1"
    public static let releaseRedemptions = "omni.promotions.ReleaseRedemptions.v1"
    /// A batch of single-use codes for a `uniqueCodes` promotion (key: the promotion id).
    public static let generateCodes = "omni.promotions.GenerateCodes.v1"

    // Events.
    public static let promotionUpserted = "omni.promotions.PromotionUpserted.v1"
    public static let promotionsApplied = "omni.promotions.PromotionsApplied.v1"
    public static let promotionsRejected = "omni.promotions.PromotionsRejected.v1"
    public static let redemptionsCommitted = "omni.promotions.RedemptionsCommitted.v1"
    public static let redemptionsReleased = "omni.promotions.RedemptionsReleased.v1"
    public static let codesGenerated = "omni.promotions.CodesGenerated.v1"
    public static let commandRejected = "omni.promotions.CommandRejected.v1"
}
