import ArgumentParser
import Foundation
import PLMInference
import PLMModel

struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env", abstract: "Print what plm found on this machine (BLAS kernel, SIMD kernels, threads).")

    func run() {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print("BLAS: OpenBLAS, kernel \(BLAS.coreName); each product is split over plm's own workers "
            + "(\(cores) cores, --threads sets how many), OpenBLAS's pool stays at one thread")
        print("      \(BLAS.configuration)")
        if let warning = BLAS.kernelWarning { print("warning: \(warning)") }
        let supported = MatVecLevel.supported.map(\.rawValue).joined(separator: ", ")
        let q8 = Q8Method.preferred(MatVecLevel.active) == .quantizedActivations
            ? "x rounded to q8_0, integer products" : "x kept f32"
        print("inference kernels: \(MatVec.kernelName) (this CPU runs \(supported); PLM_KERNELS=portable|avx2|avx512 "
            + "chooses); q8_0 weights: \(q8)")
    }
}
