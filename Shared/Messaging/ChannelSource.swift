/// A command that names the channel and/or store it acts for. When such a command comes
/// from a channel (`ce_source` `/channels/<channel>[/<store>]`), the consumer refuses it if
/// it claims another channel, or another store than the source's, before its handler runs:
/// a till of store 42 cannot sell, receive stock or take a return for store 7.
public protocol ActsForChannel {
    /// The channel the command says it is placed on, if it says.
    var actingChannel: String? { get }
    /// The store or location it acts at, if any.
    var actingStore: String? { get }
}

extension ActsForChannel {
    public var actingChannel: String? { nil }
    public var actingStore: String? { nil }
}

/// What `ce_source` says a channel may act as.
public struct ChannelSource: Equatable, Sendable {
    public var channel: String
    public var store: String?

    /// `/channels/web` → web; `/channels/pos/store-42` → pos at store-42; anything else
    /// (`/services/orders`, `/staff/alice`, `/clients/erp`) → nil: not a channel's.
    public init?(_ source: String) {
        let parts = source.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0].isEmpty, parts[1] == "channels", !parts[2].isEmpty, parts.count <= 4 else { return nil }
        channel = String(parts[2])
        store = parts.count == 4 && !parts[3].isEmpty ? String(parts[3]) : nil
    }

    /// The channel a sender acts as for `payload` when it does not say: the one the command
    /// names, else web (what test and tool channels publish as).
    public static func channel(of payload: Any) -> String {
        (payload as? any ActsForChannel)?.actingChannel ?? "web"
    }

    /// Why `command`, published from this source with `ce_channel` `envelopeChannel`, may
    /// not be acted on; nil when it may.
    public func violation(envelopeChannel: String?, command: some ActsForChannel) -> Rejection? {
        if let envelopeChannel, envelopeChannel != channel {
            return Rejection("source-channel-mismatch", "ce_channel \(envelopeChannel) is not the channel of its source (\(channel))")
        }
        if let claimed = command.actingChannel, claimed != channel {
            return Rejection("source-channel-mismatch", "the command is for channel \(claimed); its source acts as \(channel)")
        }
        if let store, let claimed = command.actingStore, claimed != store {
            return Rejection("source-store-mismatch", "the command acts at \(claimed); its source acts for store \(store) only")
        }
        return nil
    }
}

/// A step of a saga that only the service running the saga sends (catalog's
/// `ReserveStock`, promotions' `ApplyPromotions`...). Its handler refuses one whose
/// `ce_source` is not `/services/<owner>` (`not-saga-owner`) before it runs: nobody else
/// releases an order's reservation or holds a promotion's uses.
public protocol SagaStep {
    static var owner: ServiceName { get }
}

extension ChannelSource {
    /// `ce_source` for `payload` sent by a tool or test standing in for its sender: the
    /// saga's owner for a saga step, else `/channels/<channel>`.
    public static func source(of payload: Any, channel: String) -> String {
        if let step = payload as? any SagaStep { return "/services/\(type(of: step).owner.rawValue)" }
        return "/channels/\(channel)"
    }

    /// Why a saga step from `source` may not be acted on; nil when its owner sent it.
    public static func sagaViolation(_ step: any SagaStep.Type, type: String, source: String) -> Rejection? {
        let owner = "/services/\(step.owner.rawValue)"
        guard source != owner else { return nil }
        return Rejection("not-saga-owner", "\(type) is a step of the \(step.owner.rawValue) saga: only \(owner) sends it, not \(source.prefix(200))")
    }
}
