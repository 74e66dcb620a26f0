/// The `ce_type` of every command notifications accepts on `notifications.commands` and
/// every event it publishes on `notifications.events`.
public enum NotificationsType {
    // Commands.
    /// A campaign (marketing) to a list of customers, keyed by campaign id.
    public static let sendNotification = "omni.notifications.SendNotification.v1"
    /// Tell a customer once when a sku is available again online or at a store.
    public static let subscribeBackInStock = "omni.notifications.SubscribeBackInStock.v1"
    /// Who is behind a lead assignee, for the new-lead alert.
    public static let setAssigneeContact = "omni.notifications.SetAssigneeContact.v1"

    // Events.
    public static let notificationSent = "omni.notifications.NotificationSent.v1"
    public static let notificationSuppressed = "omni.notifications.NotificationSuppressed.v1"
    public static let notificationFailed = "omni.notifications.NotificationFailed.v1"
    public static let campaignQueued = "omni.notifications.CampaignQueued.v1"
    public static let backInStockSubscribed = "omni.notifications.BackInStockSubscribed.v1"
    public static let assigneeContactSet = "omni.notifications.AssigneeContactSet.v1"
    public static let commandRejected = "omni.notifications.CommandRejected.v1"
}
