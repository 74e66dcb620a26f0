import Foundation
import OmniPersistence
import PostgresNIO
import PromotionsContracts

/// Single-use codes and their batches.
enum UniqueCodeRecords {
    static func batch(_ batchId: String, on connection: PostgresConnection, logger: Logger) async throws -> CodesGenerated? {
        try await connection.run("SELECT promotion_id, count FROM code_batches WHERE batch_id = \(batchId)", logger: logger)
            .decode((String, Int).self).first { _ in true }.map { CodesGenerated(batchId: batchId, promotionId: $0.0, count: $0.1) }
    }

    /// Generates and stores the batch's codes; a code that already exists is drawn again.
    static func generate(_ command: GenerateCodes, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run("""
            INSERT INTO code_batches (batch_id, promotion_id, count) VALUES (\(command.batchId), \(command.promotionId), \(command.count))
            """, logger: logger)
        var generator = SystemRandomNumberGenerator()
        var missing = command.count
        while missing > 0 {
            for chunk in stride(from: 0, to: missing, by: 5_000) {
                let codes = (0..<min(5_000, missing - chunk)).map { _ in UniqueCode.generate(prefix: command.prefix, using: &generator) }
                try await connection.run("""
                    INSERT INTO unique_codes (code, promotion_id, batch_id)
                    SELECT code, \(command.promotionId), \(command.batchId) FROM unnest(\(codes)::text[]) AS code ON CONFLICT DO NOTHING
                    """, logger: logger)
            }
            let stored = try await connection.run("SELECT count(*)::int FROM unique_codes WHERE batch_id = \(command.batchId)", logger: logger)
                .decode(Int.self).first { _ in true } ?? 0
            missing = command.count - stored
        }
    }

    /// The promotion of each of `codes` that is a single-use code; locked when asked
    /// (two tills using one code at once: the second waits, then sees it used).
    static func resolve(_ codes: [String], locking: Bool, on connection: PostgresConnection, logger: Logger) async throws -> [String: String] {
        var found: [String: String] = [:]
        let rows = try await connection.run(locking
            ? "SELECT code, promotion_id FROM unique_codes WHERE code = ANY(\(codes)) ORDER BY code FOR UPDATE"
            : "SELECT code, promotion_id FROM unique_codes WHERE code = ANY(\(codes))", logger: logger)
        for try await (code, promotionId) in rows.decode((String, String).self) { found[code] = promotionId }
        return found
    }

    static func isUsed(_ code: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.run("SELECT 1 FROM redemptions WHERE code = \(code) AND status <> 'released' LIMIT 1", logger: logger)
            .decode(Int.self).first { _ in true } != nil
    }

    /// A page of a promotion's codes (of one batch when given), in code order after `after`.
    static func codes(of promotionId: String, batch: String?, after: String?, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        var codes: [String] = []
        let rows = try await connection.run("""
            SELECT code FROM unique_codes WHERE promotion_id = \(promotionId) AND (\(batch)::text IS NULL OR batch_id = \(batch))
            AND code > \(after ?? "") ORDER BY code LIMIT \(limit)
            """, logger: logger)
        for try await code in rows.decode(String.self) { codes.append(code) }
        return codes
    }
}
