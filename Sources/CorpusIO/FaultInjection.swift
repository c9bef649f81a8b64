import Foundation
import Synchronization

/// Crash points for the kill tests and failure points for the full-disk tests: with `PLM_KILL_AT=<point>` (and optionally `PLM_KILL_AFTER=N`,
/// default 1) in the environment, the process sends itself SIGKILL the N-th time it reaches that point,
/// as a power cut or an OOM kill would stop it. Points: `commit` (an output file fully written, just
/// before its rename), `task:<stage>` (a task's outputs in place, before its completion marker),
/// `checkpoint` (a training checkpoint written). With `PLM_FAIL_AT=write` (and `PLM_FAIL_AFTER=N`),
/// every file write from the N-th on fails as on a full disk (ENOSPC). Without the variables a point
/// costs one comparison.
public enum FaultInjection {
    private static let target: (point: String, after: Int)? = {
        let environment = ProcessInfo.processInfo.environment
        guard let point = environment["PLM_KILL_AT"], !point.isEmpty else { return nil }
        return (point, Int(environment["PLM_KILL_AFTER"] ?? "") ?? 1)
    }()
    private static let hits = Atomic<Int>(0)
    private static let failure: (point: String, after: Int)? = {
        let environment = ProcessInfo.processInfo.environment
        guard let point = environment["PLM_FAIL_AT"], !point.isEmpty else { return nil }
        return (point, Int(environment["PLM_FAIL_AFTER"] ?? "") ?? 1)
    }()
    private static let failureHits = Atomic<Int>(0)

    /// True when the failure injection says this pass of `name` fails (and every later one: a full
    /// disk stays full).
    public static func fails(_ name: @autoclosure () -> String) -> Bool {
        guard let failure, failure.point == name() else { return false }
        return failureHits.add(1, ordering: .relaxed).newValue >= failure.after
    }

    public static func point(_ name: @autoclosure () -> String) {
        guard let target, target.point == name() else { return }
        if hits.add(1, ordering: .relaxed).newValue == target.after { kill(getpid(), SIGKILL) }
    }
}
