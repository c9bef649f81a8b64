import Curation
import Testing
@testable import Pipeline

@Suite("filters.language in a pipeline")
struct LanguageFilterConfigTests {
    static func parse(_ filters: String) throws(ConfigError) -> PipelineConfig {
        try PipelineConfig.parse(yaml: "name: p\nmanifest: m.yaml\nfilters:\n" + filters, path: "/work/pipelines/p.yaml")
    }

    @Test("datatrove's defaults, and every key read")
    func reads() throws {
        let defaults = try Self.parse("  write_excluded: true\n").filters
        #expect(defaults.language.languages == ["en"] && defaults.language.minScore == 0.65 && defaults.language.model == nil)
        #expect(!defaults.usesLanguageFilter)
        let config = try Self.parse("""
              by_domain: {prose: [language, gopher_quality], code: []}
              language: {languages: [en, de], min_score: 0.5, model: ../models/lid.176.ftz}
            """).filters
        #expect(config.language.languages == ["en", "de"])
        #expect(config.language.minScore == 0.5)
        #expect(config.language.model == "/work/models/lid.176.ftz")      // next to the pipeline file
        #expect(config.usesLanguageFilter)
        #expect(config.chain(forDomain: "prose") == ["language", "gopher_quality"])
        // An empty list keeps every document and only writes its language.
        #expect(try Self.parse("  language: {languages: []}\n").filters.language.languages == nil)
    }

    @Test("unknown keys and bad values are errors naming the line", arguments: [
        ("  language: {threshold: 0.5}\n", "threshold"),
        ("  language: {min_score: 1.5}\n", "min_score"),
        ("  language: {languages: en, model: \"\"}\n", "model"),
        ("  language: {languages: {en: 1}}\n", "languages"),
        ("  by_domain: {prose: [langid]}\n", "langid"),
    ])
    func strict(yaml: String, key: String) {
        do {
            _ = try Self.parse(yaml)
            Issue.record("accepted \(yaml)")
        } catch {
            #expect(error.message.contains(key))
            #expect(error.location?.line == 4)
        }
    }
}
