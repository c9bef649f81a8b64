import Foundation
import PLMModel
import Yams

extension PipelineConfig {
    /// Every section read strictly, and the rules that span sections and files: the tokenizer's vocabulary
    /// holds its special tokens and the 256 bytes, the model preset or config file exists, the schedule is a
    /// valid WSDC curve whose phases are packed phases of the manifest, and `pack.phases` names manifest
    /// phases. Run by `plm validate` and before any work by every command that loads a pipeline, so a
    /// mistake in the last section stops the run before ingest, with the file, line and column.
    public func checkSections(manifest: Manifest) throws(ConfigError) {
        let tokenizer = try TokenizerConfig.load(from: self)
        if let minimum = tokenizer.trainerOptions.minimumVocabSize, tokenizer.vocabSize < minimum {
            throw sectionError("tokenizer", key: "vocab_size", "vocab_size \(tokenizer.vocabSize) cannot hold the "
                + "\(tokenizer.specialTokens.count) special tokens and the 256 byte tokens: use at least \(minimum)")
        }
        let packed = pack.phases ?? manifest.phases.map(\.name)
        for name in packed where manifest.phase(named: name) == nil {
            throw sectionError("pack", key: "phases", "pack.phases names '\(name)', which is not a phase of "
                + "\(manifest.path) (phases: \(manifest.phases.map(\.name).joined(separator: ", ")))")
        }
        _ = try evalSettings()
        let model = try modelSettings()
        if let name = model.preset, (try? PLMConfig.preset(named: name)) == nil {
            throw sectionError("model", key: "preset", "unknown preset '\(name)' (presets: "
                + PLMConfig.presetNames.joined(separator: ", ") + ")")
        }
        if let file = model.configPath {
            do { _ = try HFConfigFile.readModelConfig(path: file) } catch {
                throw sectionError("model", key: "config", "\(error)")
            }
        }
        guard reserved["schedule"] != nil else { return }
        _ = try scheduleSettings().phasedSchedule(file: path)
        guard let node = reserved["schedule"], case .mapping(let mapping) = node,
              case .sequence(let phases)? = mapping["phases"] else { return }
        for entry in phases {
            guard let name = entry.mapping?["name"]?.string else { continue }
            guard packed.contains(name) else {
                let known = packed.joined(separator: ", ")
                throw ConfigError(file: path, location: YAMLMapping.location(of: entry.mapping?["name"] ?? entry),
                                  message: "schedule phase '\(name)' trains on data no phase packs: it must be one of "
                                      + "the manifest's phases\(pack.phases == nil ? "" : " listed in pack.phases") (\(known))")
            }
        }
    }

    /// An error at `key` of section `section` (or at the section when the key is absent).
    private func sectionError(_ section: String, key: String, _ message: String) -> ConfigError {
        guard let node = reserved[section] ?? nil,
              let mapping = try? YAMLMapping(node, file: path, context: "section '\(section)'",
                                             allowed: node.mapping?.keys.compactMap(\.string) ?? []) else {
            return ConfigError(file: path, location: keyLocations[section], message: "section '\(section)': \(message)")
        }
        return mapping.error(at: mapping.location(of: key), "section '\(section)': \(message)")
    }
}
