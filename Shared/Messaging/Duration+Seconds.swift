/// A duration as seconds for `Date` arithmetic and printed figures.
extension Duration {
    public var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}
