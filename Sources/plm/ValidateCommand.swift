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
            if let generated = source.generated {
                let inputs = source.spec.paths.isEmpty ? "seed \(generated.seed), \(generated.split.rawValue) split"
                    : source.spec.paths.joined(separator: ", ")
                print("    \(source.name) [generate \(generated.generator.rawValue), \(source.spec.domain)]: \(inputs)")
            } else {
                print("    \(source.name) [\(source.spec.kind.rawValue), \(source.spec.domain)]: \(source.spec.paths.joined(separator: ", "))")
            }
        }
        for evaluation in manifest.evaluations {
            let origin = evaluation.path ?? evaluation.generated.map { "generate \($0.generator.rawValue), \($0.split.rawValue) split, seed \($0.seed)" } ?? ""
            print("    evaluation \(evaluation.name) [\(evaluation.scorer.rawValue)]: \(origin)")
        }
        print("  output \(config.output), ingest tasks \(config.ingest.tasks), workers \(config.workers)")
    }
}
