import Stages

extension SourceStats {
    public mutating func count(_ reason: SkipReason) { skipped[reason.rawValue, default: 0] += 1 }

    public mutating func count(_ reason: SkipReason, bytes: Int) {
        skipped[reason.rawValue, default: 0] += 1
        skippedBytes[reason.rawValue, default: 0] += bytes
    }
}
