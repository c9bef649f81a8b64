/// The change in exact-match accuracy from one checkpoint to another scored on the same items, with a
/// 95% interval from the items' pairs. Two models' answers to the same problems are strongly alike, so
/// the difference is far less noisy than each accuracy: what decides it is how many items one got right
/// and the other wrong (`gained`, `lost`). The interval is Agresti and Min's (2005) adjusted Wald
/// interval for paired proportions: half an item added to each of the four cells, then the normal
/// interval, which covers near its 95% even with few discordant items.
public struct PairedDifference: Sendable, Equatable {
    /// Items both scored (neither too long).
    public let items: Int
    /// Wrong before and right after, and the reverse.
    public let gained: Int
    public let lost: Int
    /// Accuracy after minus accuracy before, on the shared items.
    public let difference: Double
    public let low: Double
    public let high: Double

    /// nil when the two were not scored on the same items (no outcomes kept, or different counts).
    public init?(from before: TaskScore, to after: TaskScore, z: Double = 1.959964) {
        guard let a = before.outcomes, let b = after.outcomes, a.count == b.count else { return nil }
        var items = 0, gained = 0, lost = 0
        for (x, y) in zip(a, b) where x != "-" && y != "-" {
            items += 1
            if x == "0" && y == "1" { gained += 1 }
            if x == "1" && y == "0" { lost += 1 }
        }
        guard items > 0 else { return nil }
        self.init(items: items, gained: gained, lost: lost, z: z)
    }

    public init(items: Int, gained: Int, lost: Int, z: Double = 1.959964) {
        self.items = items
        self.gained = gained
        self.lost = lost
        let n = Double(items)
        difference = Double(gained - lost) / n
        let n2 = n + 2, b = Double(gained) + 0.5, c = Double(lost) + 0.5
        let centre = (b - c) / n2
        let half = z * ((b + c) - (b - c) * (b - c) / n2).squareRoot() / n2
        low = max(-1, centre - half)
        high = min(1, centre + half)
    }

    /// Whether the interval leaves out zero on the side of a gain.
    public var isClearGain: Bool { low > 0 }

    /// "+4.6 points (95% CI +1.9 to +7.3; 35 gained, 12 lost of 500)".
    public var summary: String {
        func points(_ value: Double) -> String { String(format: "%+.1f", 100 * value) }
        return "\(points(difference)) points (paired 95% CI \(points(low)) to \(points(high)); "
            + "\(gained) gained, \(lost) lost of \(items))"
    }
}
