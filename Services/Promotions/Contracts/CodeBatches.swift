/// Asks for `count` single-use codes of promotion `promotionId`; `batchId` is chosen by
/// the caller, so a retry never makes a second batch. The codes are read over HTTP
/// (`GET /promotions/{id}/codes?batch=`), too many for one event.
public struct GenerateCodes: Codable, Sendable, Equatable {
    public var batchId: String
    public var promotionId: String
    public var count: Int
    /// Printed before each code ("WELCOME-"), upper case.
    public var prefix: String?
    public init(batchId: String, promotionId: String, count: Int, prefix: String? = nil) {
        self.batchId = batchId
        self.promotionId = promotionId
        self.count = count
        self.prefix = prefix
    }
}

public struct CodesGenerated: Codable, Sendable, Equatable {
    public var batchId: String
    public var promotionId: String
    public var count: Int
    public init(batchId: String, promotionId: String, count: Int) {
        self.batchId = batchId
        self.promotionId = promotionId
        self.count = count
    }
}

/// Single-use codes: hard to guess, easy to read out (no 0/O, 1/I).
public enum UniqueCode {
    public static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    public static let length = 10
    public static let maximumBatch = 100_000

    public static func generate(prefix: String?, using generator: inout some RandomNumberGenerator) -> String {
        let body = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
        return (prefix.map { Promotion.normalise(code: $0) }.map { $0.isEmpty ? "" : $0 + "-" } ?? "") + body
    }
}
