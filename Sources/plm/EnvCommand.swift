import ArgumentParser
import PLMModel

struct EnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "env", abstract: "Print what plm found on this machine (BLAS kernel, threads).")

    func run() {
        print("BLAS: OpenBLAS, kernel \(BLAS.coreName), \(BLAS.threads) threads")
        print("      \(BLAS.configuration)")
        if let warning = BLAS.kernelWarning { print("warning: \(warning)") }
    }
}
