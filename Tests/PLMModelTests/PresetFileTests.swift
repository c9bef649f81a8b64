import Foundation
import Testing
@testable import PLMModel

/// The presets ship as Hugging Face `config.json` files under `presets/` (for `plm train --config` and
/// for other tools); each must describe exactly the built-in preset of the same name.
/// `PLM_REGENERATE_PRESETS=1 swift test --filter PresetFileTests` rewrites them.
@Suite struct PresetFileTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("presets").path

    @Test(arguments: PLMConfig.presetNames)
    func presetFileMatchesBuiltIn(name: String) throws {
        let path = Self.folder + "/\(name).json"
        let builtIn = try PLMConfig.preset(named: name)
        if ProcessInfo.processInfo.environment["PLM_REGENERATE_PRESETS"] == "1" {
            try HFConfigFile(config: builtIn).write(to: path)
        }
        #expect(try HFConfigFile.readModelConfig(path: path) == builtIn)
    }
}
