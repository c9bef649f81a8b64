import Curation
import Foundation
import Stages
import Synchronization

/// A one-line progress bar redrawn on a terminal (files, documents, bytes, rate, ETA); on a pipe or
/// a log file it prints a plain line every few seconds instead, so logs stay readable.
public final class ProgressDisplay: Sendable {
    private let counters: ProgressCounters
    private let totalFiles: Int
    private let totalBytes: Int
    private let label: String
    private let isTerminal: Bool
    private let stopped = Atomic<Bool>(false)
    private let started = Date()

    public init(label: String, counters: ProgressCounters, totalFiles: Int, totalBytes: Int) {
        self.label = label
        self.counters = counters
        self.totalFiles = totalFiles
        self.totalBytes = totalBytes
        isTerminal = isatty(STDERR_FILENO) == 1
    }

    /// Starts redrawing on a background thread until `stop()`.
    public func start() {
        let interval: TimeInterval = isTerminal ? 0.25 : 10
        Thread.detachNewThread { [self] in
            while !stopped.load(ordering: .relaxed) {
                Thread.sleep(forTimeInterval: interval)
                if stopped.load(ordering: .relaxed) { break }
                draw(final: false)
            }
        }
    }

    public func stop() {
        stopped.store(true, ordering: .relaxed)
        draw(final: true)
    }

    private func draw(final: Bool) {
        let files = counters.filesDone.load(ordering: .relaxed)
        let bytes = counters.bytesDone.load(ordering: .relaxed)
        let documents = counters.documents.load(ordering: .relaxed)
        let elapsed = max(Date().timeIntervalSince(started), 1e-3)
        let rate = Double(bytes) / elapsed / 1e6
        let fraction = totalBytes > 0 ? min(1, Double(bytes) / Double(totalBytes)) : 1
        let eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let width = 24
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let filesPart = totalFiles > 0 ? "files \(files)/\(totalFiles) " : ""
        let line = "\(label) [\(bar)] \(Int(fraction * 100))% \(filesPart)docs \(documents) "
            + "\(String(format: "%.1f", Double(bytes) / 1e6))/\(String(format: "%.1f", Double(totalBytes) / 1e6)) MB "
            + "\(String(format: "%.1f", rate)) MB/s ETA \(Int(eta.rounded()))s"
        if isTerminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line + (final ? "\n" : "")).utf8))
        } else if !final {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}
