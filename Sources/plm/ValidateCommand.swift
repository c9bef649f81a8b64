import ArgumentParser
import Pipeline

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a pipeline and its manifest without running anything.")

    @OptionGroup var pipeline: PipelineArgument

    func run() throws {
        let (config, manifest) = try pipeline.load()
        print("pipeline \(config.name): ok (\(config.path))")
        print("  manifest \(manifest.name): \(manifest.sources.count) sources, \(manifest.phases.count) phases (\(manifest.path))")
        for source in manifest.sources {
            print("    \(source.name) [\(source.spec.kind.rawValue), \(source.spec.domain)]: \(source.spec.paths.joined(separator: ", "))")
        }
        print("  output \(config.output), ingest tasks \(config.ingest.tasks), workers \(config.workers)")
    }
}
