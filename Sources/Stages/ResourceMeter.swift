import CorpusIO
import Foundation

/// Wall time, CPU time (all threads) and peak resident memory of one stretch of a process: a stage
/// of a run. Linux keeps one peak per process; the meter resets it (`/proc/self/clear_refs`, "5")
/// when it starts, so each stage's peak is its own. Where that is not possible the peak is the
/// process's so far, which `peakIsOwn` says.
public struct ResourceUsage: Codable, Sendable, Equatable {
    public var wallSeconds: Double
    public var cpuSeconds: Double
    public var peakResidentBytes: Int
    public var peakIsOwn: Bool

    enum CodingKeys: String, CodingKey {
        case wallSeconds = "wall_seconds", cpuSeconds = "cpu_seconds", peakResidentBytes = "peak_rss_bytes"
        case peakIsOwn = "peak_is_own"
    }

    public init(wallSeconds: Double, cpuSeconds: Double, peakResidentBytes: Int, peakIsOwn: Bool) {
        self.wallSeconds = wallSeconds
        self.cpuSeconds = cpuSeconds
        self.peakResidentBytes = peakResidentBytes
        self.peakIsOwn = peakIsOwn
    }
}

public struct ResourceMeter: Sendable {
    private let wallStart: UInt64
    private let cpuStart: Double
    private let peakReset: Bool

    /// Starts measuring now.
    public init() {
        peakReset = Self.resetPeak()
        wallStart = DispatchTime.now().uptimeNanoseconds
        cpuStart = Self.processCPUSeconds()
    }

    public func finish() -> ResourceUsage {
        ResourceUsage(wallSeconds: Double(DispatchTime.now().uptimeNanoseconds - wallStart) / 1e9,
                      cpuSeconds: Self.processCPUSeconds() - cpuStart,
                      peakResidentBytes: Self.peakResidentBytes(), peakIsOwn: peakReset)
    }

    /// Asks Linux to restart the peak resident set from the current one; false where it cannot.
    private static func resetPeak() -> Bool {
        let descriptor = open("/proc/self/clear_refs", O_WRONLY)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return write(descriptor, "5", 1) == 1
    }

    /// User plus system CPU time of every thread of the process.
    public static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// CPU time of the calling thread (a task's own work, not the helpers it starts).
    public static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The process's peak resident set (`VmHWM`), else getrusage's maximum.
    public static func peakResidentBytes() -> Int {
        if let bytes = try? FileInput.readAll(path: "/proc/self/status", limit: 1 << 16) {
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("VmHWM:") {
                let digits = line.dropFirst(6).filter(\.isNumber)
                if let kib = Int(digits) { return kib * 1024 }
            }
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }
}
