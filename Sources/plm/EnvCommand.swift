import ArgumentParser
import Foundation
import PLMModel

struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env", abstract: "Print what plm found on this machine (BLAS kernel, threads).")

    func run() {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print("BLAS: OpenBLAS, kernel \(BLAS.coreName); each product is split over plm's own workers "
            + "(\(cores) cores, --threads sets how many), OpenBLAS's pool stays at one thread")
        print("      \(BLAS.configuration)")
        if let warning = BLAS.kernelWarning { print("warning: \(warning)") }
    }
}
