import Foundation

// Built two ways. With `-D FUZZING -sanitize=fuzzer,address` (scripts/fuzz) libFuzzer owns `main` and
// calls the entry below with each input, for the target named by PLM_FUZZ_TARGET. In an ordinary build
// `plm-fuzz TARGET FILE...` replays inputs (a crash found by fuzzing, or the seeds) through the same
// code, which is how the regression inputs under Tests/Fuzz run in the test suite.
#if FUZZING
private let target: FuzzTarget = {
    let name = ProcessInfo.processInfo.environment["PLM_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTarget(rawValue: name) else {
        fatalError("set PLM_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    target.run(UnsafeRawBufferPointer(start: data, count: count))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(_ argc: UnsafeMutablePointer<CInt>,
                       _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                       _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// SwiftPM links an executable's entry as `<module>_main` (main is defined to it); with libFuzzer linked
/// in, that entry hands the command line to libFuzzer's driver.
@_cdecl("plm_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}
#else
@main
struct Replay {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            print("usage: plm-fuzz TARGET FILE...   (targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")))")
            return
        }
        for path in arguments.dropFirst() {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            bytes.withUnsafeBytes { target.run($0) }
            print("\(name) \(path): ok")
        }
    }
}
#endif
