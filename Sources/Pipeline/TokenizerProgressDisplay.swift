import Foundation
import Tokenization

/// Shows BPE training progress: on a terminal a bar redrawn in place with merges/s and the time
/// left, elsewhere (a pipe, a log file) a plain line every ten seconds.
public final class TokenizerProgressDisplay {
    private let isTerminal: Bool
    private let enabled: Bool
    private var lastDraw = Date.distantPast

    public init(enabled: Bool = true) {
        self.enabled = enabled
        isTerminal = isatty(STDERR_FILENO) == 1
    }

    /// Takes the trainer's report (called on the training thread).
    public func update(_ progress: TrainingProgress) {
        guard enabled else { return }
        let now = Date()
        guard progress.finished || now.timeIntervalSince(lastDraw) >= (isTerminal ? 0.25 : 10) else { return }
        lastDraw = now
        let line = Self.line(progress)
        if isTerminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line + (progress.finished ? "\n" : "")).utf8))
        } else {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    static func line(_ progress: TrainingProgress) -> String {
        let fraction = progress.targetVocabulary > 0
            ? min(1, Double(progress.vocabulary) / Double(progress.targetVocabulary)) : 1
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let rate = progress.mergesPerSecond
        let left = progress.targetVocabulary - progress.vocabulary
        let eta = rate > 0 && !progress.finished ? " ETA \(Int((Double(left) / rate).rounded()))s" : ""
        return "tokenizer merges [\(bar)] vocab \(progress.vocabulary)/\(progress.targetVocabulary) "
            + "merges \(progress.merges) \(String(format: "%.0f", rate)) merges/s "
            + "\(String(format: "%.1f", progress.seconds))s\(eta)"
    }
}
