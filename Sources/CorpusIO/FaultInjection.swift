import Foundation
import Synchronization

/// Crash points for the kill tests: with `PLM_KILL_AT=<point>` (and optionally `PLM_KILL_AFTER=N`,
/// default 1) in the environment, the process sends itself SIGKILL the N-th time it reaches that point,
/// as a power cut or an OOM kill would stop it. Points: `commit` (an output file fully written, just
/// before its rename), `task:<stage>` (a task's outputs in place, before its completion marker),
/// `checkpoint` (a training checkpoint written). Without the variable a point costs one comparison.
public enum FaultInjection {
    private static let target: (point: String, after: Int)? = {
        let environment = ProcessInfo.processInfo.environment
        guard let point = environment["PLM_KILL_AT"], !point.isEmpty else { return nil }
        return (point, Int(environment["PLM_KILL_AFTER"] ?? "") ?? 1)
    }()
    private static let hits = Atomic<Int>(0)

    public static func point(_ name: @autoclosure () -> String) {
        guard let target, target.point == name() else { return }
        if hits.add(1, ordering: .relaxed).newValue == target.after { kill(getpid(), SIGKILL) }
    }
}
