import CatalogContracts

/// The sourcing rule for an order's reservation (docs/services/catalog.md, "Reservations"):
///
/// 1. Click & collect reserves at the chosen store only.
/// 2. Delivery looks at the locations serving the channel, nearest to the destination
///    first (without one: warehouses before stores); ties by id.
/// 3. The first location that has every line gets the whole order (one parcel).
/// 4. Otherwise lines are split: each line takes from the locations in that order.
/// 5. If the locations together lack units of any line, nothing is reserved and the
///    shortfall of every such line is reported.
public enum Sourcing {
    public struct Candidate: Sendable, Equatable {
        public var location: LocationProfile
        public var available: [String: Int]
        public init(location: LocationProfile, available: [String: Int]) {
            self.location = location
            self.available = available
        }
    }

    public enum Outcome: Sendable, Equatable {
        case allocated([Allocation])
        case shortfall([StockReservationFailed.Shortfall])
    }

    public static func source(_ lines: [SkuQuantity], from candidates: [Candidate], destination: GeoPoint?) -> Outcome {
        let lines = mergedLines(lines)
        let ordered = order(candidates, destination: destination)

        let shortfall = lines.compactMap { line -> StockReservationFailed.Shortfall? in
            let total = ordered.reduce(0) { $0 + max(0, $1.available[line.sku] ?? 0) }
            return total < line.quantity ? .init(sku: line.sku, requested: line.quantity, available: total) : nil
        }
        guard shortfall.isEmpty else { return .shortfall(shortfall) }

        if let single = ordered.first(where: { candidate in lines.allSatisfy { (candidate.available[$0.sku] ?? 0) >= $0.quantity } }) {
            return .allocated(lines.map { Allocation(sku: $0.sku, locationId: single.location.id, quantity: $0.quantity) })
        }
        var allocations: [Allocation] = []
        for line in lines {
            var missing = line.quantity
            for candidate in ordered where missing > 0 {
                let take = min(missing, max(0, candidate.available[line.sku] ?? 0))
                if take > 0 {
                    allocations.append(Allocation(sku: line.sku, locationId: candidate.location.id, quantity: take))
                    missing -= take
                }
            }
        }
        return .allocated(allocations)
    }

    static func order(_ candidates: [Candidate], destination: GeoPoint?) -> [Candidate] {
        candidates.sorted { a, b in
            if let destination {
                let da = a.location.coordinates.distanceKilometres(to: destination)
                let db = b.location.coordinates.distanceKilometres(to: destination)
                if abs(da - db) > 0.001 { return da < db }
            }
            if a.location.kind != b.location.kind { return a.location.kind == .warehouse }
            return a.location.id < b.location.id
        }
    }
}
