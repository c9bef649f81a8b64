#if canImport(Glibc)
import Glibc
#endif

/// CPU time consumed so far, for benchmarks that report CPU seconds beside wall time.
enum ProcessCPU {
    /// User + system seconds of this process, all threads.
    static func seconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// User + system seconds of this process and of its children that have finished.
    static func secondsWithChildren() -> Double {
        var children = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &children)
        return seconds() + seconds(children.ru_utime) + seconds(children.ru_stime)
    }

    private static func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
}
