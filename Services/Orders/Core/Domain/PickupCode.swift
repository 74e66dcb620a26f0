import Foundation

/// The code a click & collect customer shows at the store, and the QR code's content.
public enum PickupCode {
    /// Six digits: short enough to read out at a counter.
    public static func generate<R: RandomNumberGenerator>(using generator: inout R) -> String {
        String(format: "%06d", Int.random(in: 0..<1_000_000, using: &generator))
    }

    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    public static func qrPayload(orderId: String, code: String) -> String { "omni:pickup:\(orderId):\(code)" }
}
