import Foundation
import PLMModel

/// The live training line: redrawn in place on a terminal, a plain line every ten seconds (and for
/// validation steps) in a log.
final class TrainProgress {
    private let totalSteps: Range<Int>
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let started = Date()
    private var lastPrinted = Date.distantPast
    private var firstStep: Int?

    init(steps: Range<Int>) { totalSteps = steps }

    func update(_ m: StepMetrics) {
        if firstStep == nil { firstStep = m.step }
        let done = m.step + 1 - (firstStep ?? m.step)
        let remaining = totalSteps.upperBound - m.step - 1
        let elapsed = Date().timeIntervalSince(started)
        let eta = done > 0 ? elapsed / Double(done) * Double(remaining) : 0
        var line = "step \(m.step + 1)/\(totalSteps.upperBound) loss \(String(format: "%.4f", m.loss))"
            + " lr \(String(format: "%.2e", m.lr)) |g| \(String(format: "%.3f", m.gradNorm))"
            + " \(Int(m.tokensPerSecond)) tok/s \(String(format: "%.1f", m.gflops)) GFLOP/s"
        if let mfu = m.mfu { line += " MFU \(String(format: "%.0f", mfu * 100))%" }
        if let val = m.valLoss { line += " val \(String(format: "%.4f", val))" }
        line += " ETA \(Self.duration(eta))"
        let last = remaining == 0
        if isTerminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line + (last || m.valLoss != nil ? "\n" : "")).utf8))
        } else if last || m.valLoss != nil || Date().timeIntervalSince(lastPrinted) >= 10 {
            FileHandle.standardError.write(Data((line + "\n").utf8))
            lastPrinted = Date()
        }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return "\(s / 3600)h\(String(format: "%02d", s / 60 % 60))m" }
        if s >= 60 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s)s"
    }
}
