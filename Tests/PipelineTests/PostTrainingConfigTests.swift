import Foundation
import Testing
@testable import Pipeline

/// The manifest's generated sources, evaluation sets and preference prompts, and the pipeline's
/// `decontaminate:` and `align:` sections: what they accept and how they refuse.
@Suite struct PostTrainingConfigTests {
    static let base = """
        name: t
        sources:
          - name: docs
            paths: /tmp
            domain: prose

        """

    func manifest(_ extra: String) throws -> Manifest {
        try Manifest.parse(yaml: Self.base + extra, path: "/tmp/m.yaml")
    }

    func error(_ extra: String) -> ConfigError? {
        do {
            _ = try manifest(extra)
            return nil
        } catch let error as ConfigError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func generatedSourcesTakeTheGeneratorsInputsUnlessGivenPaths() throws {
        let parsed = try manifest("""
              - name: qa
                generate: dpkg-descriptions
                examples: 10
                domain: chat
              - name: sums
                generate: arithmetic
                examples: 100
                seed: 3
                domain: chat
              - name: local-man
                generate: man-pages
                paths: /usr/share/man/man8
                domain: chat
            """)
        let qa = try #require(parsed.source(named: "qa"))
        #expect(qa.generated == GeneratedSource(generator: .dpkgDescriptions, examples: 10, seed: 0, split: .train))
        #expect(qa.spec.paths == ["/var/lib/dpkg/status"])
        #expect(qa.spec.kind == .jsonl)
        let sums = try #require(parsed.source(named: "sums"))
        #expect(sums.spec.paths.isEmpty)
        #expect(sums.generated?.seed == 3)
        #expect(parsed.source(named: "local-man")?.spec.paths == ["/usr/share/man/man8"])
        // Ingest reads what make-sft writes, not the generator's inputs.
        let layout = RunLayout(root: "/runs/x")
        let specs = parsed.ingestSpecs(layout: layout)
        #expect(specs[1].paths == ["/runs/x/make-sft/sources/qa.jsonl"])
        #expect(specs[0].paths == ["/tmp"])
        #expect(parsed.hasGeneratedData)
    }

    @Test func generatedSourceMistakesAreNamed() {
        let noCount = error("""
              - name: sums
                generate: arithmetic
                domain: chat
            """)
        #expect(noCount?.message.contains("missing required key 'examples' in source 'sums'") == true)
        let kind = error("""
              - name: qa
                generate: man-pages
                kind: text
                domain: chat
            """)
        #expect(kind?.message.contains("'kind'") == true && kind?.location?.line == 8)
        let split = error("""
              - name: qa
                generate: man-pages
                split: heldout
                domain: chat
            """)
        #expect(split?.message.contains("only applies to generate: arithmetic") == true)
        let unknown = error("""
              - name: qa
                generate: wikipedia
                domain: chat
            """)
        #expect(unknown?.message.contains("dpkg-descriptions") == true)
        let seedAlone = error("""
              - name: qa
                paths: /tmp
                seed: 3
                domain: chat
            """)
        #expect(seedAlone?.message.contains("only applies with 'generate'") == true)
    }

    @Test func evaluationSetsAreHeldOutByDefaultAndNeedOneOrigin() throws {
        let parsed = try manifest("""
            evaluations:
              - name: sums
                generate: arithmetic
                examples: 50
              - name: mine
                path: evals/mine.jsonl
                scorer: exact
            """)
        #expect(parsed.evaluations.count == 2)
        #expect(parsed.evaluation(named: "sums")?.generated?.split == .heldout)
        #expect(parsed.evaluation(named: "mine")?.path == "/tmp/evals/mine.jsonl")
        #expect(parsed.evaluation(named: "mine")?.scorer == .exact)
        let both = error("""
            evaluations:
              - name: sums
                generate: arithmetic
                examples: 50
                path: x.jsonl
            """)
        #expect(both?.message.contains("exactly one of 'generate' or 'path'") == true)
        let notExact = error("""
            evaluations:
              - name: qa
                generate: dpkg-descriptions
            """)
        #expect(notExact?.message.contains("arithmetic") == true)
        let twice = error("""
            evaluations:
              - {name: a, path: x.jsonl}
              - {name: a, path: y.jsonl}
            """)
        #expect(twice?.message.contains("duplicate evaluation name 'a'") == true)
    }

    @Test func anEvaluationSetMissingOnDiskIsAnErrorAtItsLine() throws {
        let parsed = try Manifest.parse(yaml: """
            name: t
            sources:
              - {name: docs, paths: /tmp, domain: prose}
            evaluations:
              - name: gone
                path: /nonexistent/plm-eval.jsonl
            """, path: "/tmp/m.yaml")
        do {
            _ = try parsed.validatePaths()
            Issue.record("a missing evaluation set passed")
        } catch {
            #expect(error.message == "evaluation set 'gone': /nonexistent/plm-eval.jsonl does not exist")
            #expect(error.location?.line == 5)
        }
    }

    @Test func preferencePromptsNameADeclaredSourceOfAPreferencePhase() throws {
        let parsed = try manifest("""
            phases:
              - {name: p, kind: preference, prompts: docs}
              - {name: q, kind: preference, weights: {docs: 1}}
            """)
        #expect(parsed.phase(named: "p")?.makesOwnPairs == true)
        #expect(parsed.phase(named: "q")?.makesOwnPairs == false)
        #expect(parsed.packedPhases.map(\.name) == ["q"])
        let unknown = error("""
            phases:
              - {name: p, kind: preference, prompts: nope}
            """)
        #expect(unknown?.message.contains("names unknown source 'nope'") == true)
        let wrongKind = error("""
            phases:
              - {name: p, kind: sft, prompts: docs}
            """)
        #expect(wrongKind?.message.contains("only applies to kind preference") == true)
    }

    @Test func decontaminateAndAlignSections() throws {
        let pipeline = try PipelineConfig.parse(yaml: """
            name: t
            manifest: m.yaml
            decontaminate: {ngram_size: 8, mode: cut}
            align: {rounds: 3, samples: 6, beta: 0.2, label_smoothing: 0.1, nll_weight: 0.5, learning_rate: 1e-5, reference: round}
            """, path: "/tmp/p.yaml")
        let decontaminate = try pipeline.decontaminateSettings()
        #expect(decontaminate.ngramSize == 8 && decontaminate.mode == .cut && decontaminate.enabled)
        var align = try pipeline.alignSettings()
        #expect(align.rounds == 3 && align.samples == 6 && align.beta == 0.2 && align.labelSmoothing == 0.1)
        #expect(align.learningRate == 1e-5 && align.chosenNLLWeight == 0.5 && align.reference == .round)
        #expect(try PipelineConfig.parse(yaml: "name: t\nmanifest: m.yaml\n", path: "/tmp/p.yaml").alignSettings().reference == .start)
        var overridden = pipeline
        try overridden.overrideAlignRounds(5)
        align = try overridden.alignSettings()
        #expect(align.rounds == 5)
        #expect(overridden.settings["align.rounds"] == "5")
        for bad in ["align: {samples: 1}", "align: {nll_weight: -1}", "align: {beta: 0}", "align: {label_smoothing: 0.5}", "align: {temperature: 0}",
                    "decontaminate: {mode: erase}", "decontaminate: {ngram_size: 0}", "align: {round: 2}",
                    "align: {reference: sft}"] {
            let text = "name: t\nmanifest: m.yaml\n" + bad + "\n"
            let parsed = try PipelineConfig.parse(yaml: text, path: "/tmp/p.yaml")
            #expect(throws: ConfigError.self, "\(bad)") {
                _ = try parsed.alignSettings()
                _ = try parsed.decontaminateSettings()
            }
        }
    }
}
