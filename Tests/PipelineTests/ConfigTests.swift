import Curation
import Foundation
import Testing
@testable import Pipeline

/// A temporary folder holding config fixtures, removed when the test is done with it.
private final class Fixture {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("plm-config-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Writes `text` to `name` (folders created as needed) and returns its full path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = root + "/" + name
        try FileManager.default.createDirectory(atPath: ConfigPaths.directory(of: path),
                                                withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func mkdir(_ name: String) throws {
        try FileManager.default.createDirectory(atPath: root + "/" + name, withIntermediateDirectories: true)
    }
}

/// The ConfigError `body` throws, or nil when it succeeds. (Closures here cannot infer typed
/// throws, so any other error is recorded as a test failure.)
private func configError(_ body: () throws -> Void) -> ConfigError? {
    do {
        try body()
        return nil
    } catch let error as ConfigError {
        return error
    } catch {
        Issue.record("expected a ConfigError, got \(error)")
        return nil
    }
}

/// 1-based line of the first line of `text` containing `needle`, so expectations follow fixtures.
private func line(of needle: String, in text: String) -> Int {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    return (lines.firstIndex { $0.contains(needle) } ?? -1) + 1
}

/// A manifest with two valid sources whose folders exist; tests append or substitute pieces.
private func validManifest(sourceExtra: String = "", phases: String = "") -> String {
    """
    name: test
    description: fixture
    sources:
      - name: docs
        paths: data/docs
        domain: prose
    \(sourceExtra)
      - name: code
        paths: [data/code, "data/more/*.txt"]
        include: ["*.swift", "*.txt"]
        exclude: "*/skip/*"
        kind: code
        domain: code
        license: MIT
        optional: true
        priority: 7
    \(phases)
    """
}

@Suite("Manifest and pipeline configuration")
struct ConfigTests {
    // MARK: Valid files

    @Test func validManifestRoundTrip() throws {
        let fixture = try Fixture()
        let text = validManifest(phases: """
            phases:
              - name: p1
                tokens: 20M
                weights: {docs: 2, code: 0.5}
                epochs: {code: 3}
              - name: sft-1
                kind: sft
                description: chat
            """)
        let path = try fixture.write("m/manifest.yaml", text)
        let manifest = try Manifest.load(path: path)

        #expect(manifest.name == "test")
        #expect(manifest.description == "fixture")
        #expect(manifest.sources.map(\.name) == ["docs", "code"])
        let docs = try #require(manifest.source(named: "docs"))
        #expect(docs.spec == SourceSpec(name: "docs", paths: [fixture.root + "/m/data/docs"], domain: "prose"))
        #expect(docs.priority == 0)
        #expect(docs.line == line(of: "name: docs", in: text))
        let code = try #require(manifest.source(named: "code"))
        #expect(code.spec == SourceSpec(
            name: "code", paths: [fixture.root + "/m/data/code", fixture.root + "/m/data/more/*.txt"],
            include: ["*.swift", "*.txt"], exclude: ["*/skip/*"], kind: .code, textField: "text",
            domain: "code", license: "MIT", optional: true))
        #expect(code.priority == 7)
        #expect(code.writtenPaths == ["data/code", "data/more/*.txt"])
        #expect(code.pathLocations.map(\.line) == Array(repeating: line(of: "paths: [data/code", in: text), count: 2))
        #expect(manifest.sourceSpecs.map(\.name) == ["docs", "code"])

        #expect(manifest.phases.count == 2)
        let p1 = try #require(manifest.phase(named: "p1"))
        #expect(p1.kind == .pretrain)
        #expect(p1.tokens == 20_000_000)
        #expect(p1.weights == ["docs": 2, "code": 0.5])
        #expect(p1.epochs == ["code": 3])
        let sft = try #require(manifest.phase(named: "sft-1"))
        #expect(sft.kind == .sft)
        #expect(sft.tokens == nil)
        #expect(sft.weights.isEmpty)
        #expect(sft.description == "chat")
    }

    @Test func validPipelineWithDefaults() throws {
        let fixture = try Fixture()
        let path = try fixture.write("pipelines/p.yaml", """
            name: tiny
            manifest: ../manifests/m.yaml
            schedule:
              threshold: 0.8
            model: {preset: small}
            pack:
            """)
        let pipeline = try PipelineConfig.load(path: path)
        #expect(pipeline.name == "tiny")
        #expect(pipeline.description == "")
        #expect(pipeline.manifestPath == fixture.root + "/manifests/m.yaml")
        #expect(pipeline.ingest == IngestConfig())
        #expect(pipeline.workers == ProcessInfo.processInfo.activeProcessorCount)
        #expect(pipeline.output == ConfigPaths.normalize(FileManager.default.currentDirectoryPath + "/shards/tiny"))
        // Reserved sections are kept as written; a null one (all entries commented out) is absent.
        #expect(Set(pipeline.reserved.keys) == ["schedule", "model"])
        #expect(pipeline.reserved["schedule"]?.mapping?["threshold"]?.float == 0.8)
        #expect(pipeline.dedup == DedupConfig())
    }

    @Test func ingestSectionIsRead() throws {
        let fixture = try Fixture()
        let path = try fixture.write("p.yaml", """
            name: full
            manifest: m.yaml
            output: /tmp/plm-out
            workers: 3
            ingest:
              tasks: 16
              max_document_bytes: 4MiB
              max_compression_ratio: 50.5
              ratio_floor_bytes: 512KiB
              archive_depth: 0
              max_invalid_utf8_fraction: 0
              min_text_bytes: 10
            """)
        let pipeline = try PipelineConfig.load(path: path)
        #expect(pipeline.output == "/tmp/plm-out")
        #expect(pipeline.workers == 3)
        #expect(pipeline.ingest == IngestConfig(tasks: 16, maxDocumentBytes: 4 << 20, maxCompressionRatio: 50.5,
                                                ratioFloorBytes: 512 << 10, archiveDepth: 0,
                                                maxInvalidUTF8Fraction: 0, minTextBytes: 10))
    }

    // MARK: Unknown keys

    @Test func unknownKeyAtTopLevelOfManifest() throws {
        let fixture = try Fixture()
        let text = validManifest() + "\npahses: []\n"
        let path = try fixture.write("manifest.yaml", text)
        let error = try #require(configError { _ = try Manifest.load(path: path) })
        #expect(error.description.hasPrefix("\(path):\(line(of: "pahses", in: text)):1: unknown key 'pahses' in the manifest"))
        #expect(error.message.contains("did you mean 'phases'?"))
        #expect(error.message.contains("expected one of: name, description, sources, phases"))
    }

    @Test func unknownKeyInSourceNamesTheSourceAndExactPlace() throws {
        let fixture = try Fixture()
        let text = """
            name: test
            sources:
              - name: docs
                pahts: /tmp
                domain: prose
            """
        let path = try fixture.write("local.yaml", text)
        let error = try #require(configError { _ = try Manifest.load(path: path) })
        #expect(error.line == 4)
        #expect(error.column == 5)
        #expect(error.description.hasPrefix(
            "\(path):4:5: unknown key 'pahts' in source 'docs'; did you mean 'paths'? (expected one of: name, paths, include,"))
    }

    @Test func unknownKeyInPhase() throws {
        let fixture = try Fixture()
        let text = validManifest(phases: """
            phases:
              - name: p1
                weigths: {docs: 1}
            """)
        let path = try fixture.write("manifest.yaml", text)
        let error = try #require(configError { _ = try Manifest.load(path: path) })
        #expect(error.line == line(of: "weigths", in: text))
        #expect(error.message.hasPrefix("unknown key 'weigths' in phase 'p1'; did you mean 'weights'?"))
    }

    @Test func unknownKeyInPipelineAndIngest() throws {
        let fixture = try Fixture()
        let top = try fixture.write("top.yaml", "name: x\nmanifest: m.yaml\ntokenizr: {}\n")
        let topError = try #require(configError { _ = try PipelineConfig.load(path: top) })
        #expect(topError.description.hasPrefix("\(top):3:1: unknown key 'tokenizr' in the pipeline; did you mean 'tokenizer'?"))

        let ingest = try fixture.write("ingest.yaml", "name: x\nmanifest: m.yaml\ningest:\n  tasks: 2\n  max_doc_bytes: 1\n")
        let ingestError = try #require(configError { _ = try PipelineConfig.load(path: ingest) })
        #expect(ingestError.description.hasPrefix("\(ingest):5:3: unknown key 'max_doc_bytes' in section 'ingest'"))
        #expect(ingestError.message.contains("expected one of: tasks, max_document_bytes,"))
    }

    // MARK: Wrong types and values

    @Test func wrongTypesNameKeyAndValue() throws {
        let fixture = try Fixture()
        let tasks = try fixture.write("tasks.yaml", "name: x\nmanifest: m.yaml\ningest:\n  tasks: many\n")
        #expect(configError { _ = try PipelineConfig.load(path: tasks) }?.description
            == "\(tasks):4:10: key 'tasks' in section 'ingest' must be an integer, got 'many'")

        let mapping = try fixture.write("mapping.yaml", "name: {first: x}\nmanifest: m.yaml\n")
        #expect(configError { _ = try PipelineConfig.load(path: mapping) }?.description
            == "\(mapping):1:7: key 'name' in the pipeline must be a string, got a mapping")

        let text = validManifest(sourceExtra: "    optional: maybe")
        let optional = try fixture.write("optional.yaml", text)
        let error = try #require(configError { _ = try Manifest.load(path: optional) })
        #expect(error.line == line(of: "optional: maybe", in: text))
        #expect(error.message == "key 'optional' in source 'docs' must be true or false, got 'maybe'")

        let kind = try fixture.write("kind.yaml", validManifest(sourceExtra: "    kind: pdf"))
        #expect(configError { _ = try Manifest.load(path: kind) }?.message
            == "key 'kind' in source 'docs' must be one of auto, text, code, jsonl, html, got 'pdf'")

        let sources = try fixture.write("sources.yaml", "name: x\nsources: docs\n")
        #expect(configError { _ = try Manifest.load(path: sources) }?.description
            == "\(sources):2:10: key 'sources' in the manifest must be a list, got 'docs'")

        let reserved = try fixture.write("reserved.yaml", "name: x\nmanifest: m.yaml\nmodel: big\n")
        #expect(configError { _ = try PipelineConfig.load(path: reserved) }?.description
            == "\(reserved):3:8: key 'model' in the pipeline must be a mapping, got 'big'")
    }

    @Test func outOfRangeValues() throws {
        let fixture = try Fixture()
        let cases: [(String, String)] = [
            ("tasks: 0", "key 'tasks' in section 'ingest' must be an integer >= 1, got '0'"),
            ("max_compression_ratio: 1", "key 'max_compression_ratio' in section 'ingest' must be a number greater than 1, got '1'"),
            ("max_invalid_utf8_fraction: 1.5", "must be a fraction between 0 and 1, got '1.5'"),
            ("archive_depth: -1", "key 'archive_depth' in section 'ingest' must be an integer >= 0, got '-1'"),
            ("max_document_bytes: 0", "must be between 1 byte and 1GiB, got '0'"),
            // The filters index a document's words with 32-bit offsets.
            ("max_document_bytes: 2GiB", "must be between 1 byte and 1GiB, got '2GiB'"),
        ]
        for (entry, expected) in cases {
            let path = try fixture.write("range.yaml", "name: x\nmanifest: m.yaml\ningest:\n  \(entry)\n")
            let error = try #require(configError { _ = try PipelineConfig.load(path: path) })
            #expect(error.line == 4, "\(entry)")
            #expect(error.message.hasSuffix(expected), "\(error)")
        }
        let workers = try fixture.write("workers.yaml", "name: x\nmanifest: m.yaml\nworkers: 0\n")
        #expect(configError { _ = try PipelineConfig.load(path: workers) }?.line == 3)
    }

    @Test func namesMustBeFolderSafe() throws {
        let fixture = try Fixture()
        let text = validManifest().replacingOccurrences(of: "name: docs", with: "name: my docs")
        let path = try fixture.write("manifest.yaml", text)
        let error = try #require(configError { _ = try Manifest.load(path: path) })
        #expect(error.line == line(of: "my docs", in: text))
        #expect(error.message.contains("key 'name' in source 'my docs' must be a name made of letters, digits"))

        let dots = try fixture.write("dots.yaml", "name: ..\nmanifest: m.yaml\n")
        #expect(configError { _ = try PipelineConfig.load(path: dots) }?.line == 1)
    }

    @Test func textFieldOnlyForJSONL() throws {
        let fixture = try Fixture()
        let text = validManifest().replacingOccurrences(of: "    kind: code", with: "    kind: code\n    text_field: body")
        let path = try fixture.write("manifest.yaml", text)
        let error = try #require(configError { _ = try Manifest.load(path: path) })
        #expect(error.line == line(of: "text_field", in: text))
        #expect(error.message.contains("only applies to kind jsonl or auto"))

        let jsonl = try fixture.write("jsonl.yaml", validManifest(sourceExtra: "    kind: jsonl\n    text_field: body"))
        #expect(try Manifest.load(path: jsonl).source(named: "docs")?.spec.textField == "body")
    }

    // MARK: Missing and duplicate keys

    @Test func missingRequiredKeys() throws {
        let fixture = try Fixture()
        let text = """
            name: test
            sources:
              - name: docs
                paths: /tmp
            """
        let domain = try fixture.write("domain.yaml", text)
        #expect(configError { _ = try Manifest.load(path: domain) }?.description
            == "\(domain):3:5: missing required key 'domain' in source 'docs'")

        let unnamed = try fixture.write("unnamed.yaml", "name: t\nsources:\n  - paths: /tmp\n    domain: code\n")
        #expect(configError { _ = try Manifest.load(path: unnamed) }?.description
            == "\(unnamed):3:5: missing required key 'name' in source #1")

        let noName = try fixture.write("noname.yaml", "sources: []\n")
        #expect(configError { _ = try Manifest.load(path: noName) }?.description
            == "\(noName):1:1: missing required key 'name' in the manifest")

        let empty = try fixture.write("empty.yaml", "name: t\nsources: []\n")
        #expect(configError { _ = try Manifest.load(path: empty) }?.message
            == "key 'sources' in the manifest must be a non-empty list of sources, got a list")

        let noManifest = try fixture.write("p.yaml", "name: x\ningest: {tasks: 2}\n")
        #expect(configError { _ = try PipelineConfig.load(path: noManifest) }?.description
            == "\(noManifest):1:1: missing required key 'manifest' in the pipeline")
    }

    @Test func duplicateSourceName() throws {
        let fixture = try Fixture()
        let text = validManifest().replacingOccurrences(of: "name: code", with: "name: docs")
        let path = try fixture.write("manifest.yaml", text)
        let error = try #require(configError { _ = try Manifest.load(path: path) })
        let second = text.split(separator: "\n", omittingEmptySubsequences: false)
            .enumerated().filter { $0.element.contains("name: docs") }.map { $0.offset + 1 }
        #expect(second.count == 2)
        #expect(error.description == "\(path):\(second[1]):11: duplicate source name 'docs' (first declared at line \(second[0]))")
    }

    @Test func duplicateKeyIsReportedAtItsSecondOccurrence() throws {
        let fixture = try Fixture()
        let text = """
            name: test
            sources:
              - name: docs
                paths: /a
                domain: prose
                paths: /b
            """
        let path = try fixture.write("manifest.yaml", text)
        #expect(configError { _ = try Manifest.load(path: path) }?.description
            == "\(path):6:5: duplicate key 'paths' (first given at line 4)")
    }

    @Test func phaseWeightNamingUnknownSource() throws {
        let fixture = try Fixture()
        let text = validManifest(phases: """
            phases:
              - name: p1
                weights:
                  docs: 1
                  cdoe: 2
            """)
        let path = try fixture.write("manifest.yaml", text)
        let error = try #require(configError { _ = try Manifest.load(path: path) })
        #expect(error.description.hasPrefix(
            "\(path):\(line(of: "cdoe", in: text)):7: key 'weights' in phase 'p1' names unknown source 'cdoe'; did you mean 'code'?"))
        #expect(error.message.contains("declared sources: code, docs"))

        let negative = try fixture.write("negative.yaml", validManifest(phases: "phases:\n  - name: p\n    epochs: {docs: -1}"))
        #expect(configError { _ = try Manifest.load(path: negative) }?.message
            == "'docs' in key 'epochs' of phase 'p' must be a positive number, got '-1'")
    }

    @Test func duplicatePhaseName() throws {
        let fixture = try Fixture()
        let text = validManifest(phases: "phases:\n  - name: a\n  - name: a\n")
        let path = try fixture.write("manifest.yaml", text)
        let error = try #require(configError { _ = try Manifest.load(path: path) })
        #expect(error.line == line(of: "  - name: a", in: text) + 1)
        #expect(error.message.hasPrefix("duplicate phase name 'a'"))
    }

    // MARK: Broken files

    @Test func yamlSyntaxErrorReportsLine() throws {
        let fixture = try Fixture()
        let path = try fixture.write("broken.yaml", "name: test\nsources:\n  - name: docs\n    paths: [/a, /b\n    domain: prose\n")
        let error = try #require(configError { _ = try Manifest.load(path: path) })
        #expect(error.file == path)
        #expect(error.line == 5)
        #expect(error.message.hasPrefix("invalid YAML: did not find expected ',' or ']'"))
        #expect(error.message.contains("while parsing a flow sequence at line 4"))

        let tab = try fixture.write("tab.yaml", "name: test\n\tsources: []\n")
        #expect(configError { _ = try Manifest.load(path: tab) }?.line == 2)
    }

    @Test func emptyOrMissingFiles() throws {
        let fixture = try Fixture()
        let empty = try fixture.write("empty.yaml", "# nothing here\n")
        #expect(configError { _ = try Manifest.load(path: empty) }?.description
            == "\(empty):1:1: file is empty; expected a mapping of keys")
        let list = try fixture.write("list.yaml", "- a\n- b\n")
        #expect(configError { _ = try Manifest.load(path: list) }?.description
            == "\(list):1:1: the manifest must be a mapping of keys, got a list")
        let missing = fixture.root + "/nope.yaml"
        #expect(configError { _ = try PipelineConfig.load(path: missing) }?.description
            == "\(missing): configuration file does not exist")
    }

    // MARK: Paths

    @Test func missingPathOfRequiredSourceIsAnErrorOfOptionalSourceANote() throws {
        let fixture = try Fixture()
        try fixture.mkdir("data/docs")
        // `code` is optional and none of its paths exist: notes only.
        let text = validManifest()
        let path = try fixture.write("manifest.yaml", text)
        let notes = try Manifest.load(path: path).validatePaths()
        #expect(notes == [
            "source 'code': \(fixture.root)/data/code does not exist, skipped",
            "source 'code': \(fixture.root)/data/more/*.txt matched nothing, skipped",
        ])

        // `docs` is required: its missing path is an error at the path entry.
        try FileManager.default.removeItem(atPath: fixture.root + "/data/docs")
        let error = try #require(configError { _ = try Manifest.load(path: path).validatePaths() })
        #expect(error.description.hasPrefix(
            "\(path):\(line(of: "paths: data/docs", in: text)):12: path 'data/docs' of source 'docs' does not exist "
                + "(resolved to \(fixture.root)/data/docs)"))

        let absolute = try fixture.write("abs.yaml", "name: t\nsources:\n  - name: x\n    paths: /nope-\(UUID())\n    domain: web\n")
        let absoluteError = try #require(configError { _ = try Manifest.load(path: absolute).validatePaths() })
        #expect(absoluteError.line == 4)
        #expect(absoluteError.message.hasPrefix("path '/nope-"))
        #expect(absoluteError.message.contains("' of source 'x' does not exist; fix it or mark the source 'optional: true'"))
    }

    @Test func globsMustMatchSomething() throws {
        let fixture = try Fixture()
        try fixture.write("corpus/a1.txt", "one")
        try fixture.write("corpus/a2.txt", "two")
        try fixture.mkdir("versions/python3.11")
        let good = try fixture.write("good.yaml", """
            name: t
            sources:
              - name: txt
                paths: ["corpus/a?.txt", "versions/python3*", "corpus/[ab]1.txt"]
                domain: prose
            """)
        #expect(try Manifest.load(path: good).validatePaths().isEmpty)
        #expect(ConfigPaths.expand(fixture.root + "/corpus/a*.txt") == [fixture.root + "/corpus/a1.txt",
                                                                       fixture.root + "/corpus/a2.txt"])

        let bad = try fixture.write("bad.yaml", """
            name: t
            sources:
              - name: txt
                paths:
                  - corpus
                  - corpus/*.md
                domain: prose
            """)
        #expect(configError { _ = try Manifest.load(path: bad).validatePaths() }?.description
            == "\(bad):6:9: path 'corpus/*.md' of source 'txt' matched nothing (resolved to \(fixture.root)/corpus/*.md); "
                + "fix it or mark the source 'optional: true'")
    }

    @Test func relativePathsResolveAgainstTheirFile() throws {
        let fixture = try Fixture()
        try fixture.mkdir("Sources")
        try fixture.write("manifests/m.yaml", """
            name: m
            sources:
              - name: own
                paths: ../Sources/./
                domain: code
              - name: abs
                paths: /usr/../tmp
                domain: code
            """)
        try fixture.write("pipelines/p.yaml", "name: p\nmanifest: ../manifests/m.yaml\noutput: out/run\n")
        let loaded = try PipelineConfig.loadWithManifest(path: fixture.root + "/pipelines/p.yaml")
        #expect(loaded.pipeline.manifestPath == fixture.root + "/manifests/m.yaml")
        #expect(loaded.manifest.path == fixture.root + "/manifests/m.yaml")
        #expect(loaded.manifest.sources.map(\.spec.paths) == [[fixture.root + "/Sources"], ["/tmp"]])
        #expect(loaded.notes.isEmpty)
        // Output is relative to the working directory, not to the pipeline file.
        #expect(loaded.pipeline.output == ConfigPaths.normalize(FileManager.default.currentDirectoryPath + "/out/run"))

        #expect(ConfigPaths.normalize("a/./b/../../../c//d/") == "../c/d")
        #expect(ConfigPaths.normalize("/../a/..") == "/")
        #expect(ConfigPaths.join("pipelines", "../manifests/local.yaml") == "manifests/local.yaml")
        #expect(ConfigPaths.join(".", "m.yaml") == "m.yaml")
        #expect(ConfigPaths.directory(of: "local.yaml") == ".")
    }

    // MARK: Quantities

    @Test(arguments: [
        ("16MiB", 16 << 20), ("1GiB", 1 << 30), ("512KiB", 512 << 10), ("10MB", 10_000_000),
        ("4096", 4096), ("1.5 GiB", 3 << 29), ("2kb", 2000), ("100B", 100), ("1_000", 1000), ("0", 0),
    ])
    func byteSizes(text: String, bytes: Int) {
        #expect(ConfigQuantities.byteSize(text) == bytes)
    }

    @Test(arguments: ["16XB", "MiB", "1.5B", "-1", "1.2.3KiB", "ten", "1e6", "nan", "16 MiB extra"])
    func badByteSizes(text: String) {
        #expect(ConfigQuantities.byteSize(text) == nil)
    }

    @Test(arguments: [
        ("20M", 20_000_000), ("1.5B", 1_500_000_000), ("500K", 500_000), ("2T", 2_000_000_000_000),
        ("123456", 123_456), ("0.5M", 500_000),
    ])
    func tokenCounts(text: String, tokens: Int) {
        #expect(ConfigQuantities.tokenCount(text) == tokens)
    }

    @Test(arguments: ["20X", "1.2345K", "1.5", "B", "", "20 MM"])
    func badTokenCounts(text: String) {
        #expect(ConfigQuantities.tokenCount(text) == nil)
    }

    @Test func badSuffixErrorsNameKeyAndLine() throws {
        let fixture = try Fixture()
        let bytes = try fixture.write("p.yaml", "name: x\nmanifest: m.yaml\ningest:\n  ratio_floor_bytes: 16XB\n")
        #expect(configError { _ = try PipelineConfig.load(path: bytes) }?.description
            == "\(bytes):4:22: key 'ratio_floor_bytes' in section 'ingest' must be a byte size "
                + "(an integer, or a number with B, KiB, MiB, GiB, TiB, KB, MB, GB or TB), got '16XB'")

        let text = validManifest(phases: "phases:\n  - name: p\n    tokens: 20 millions\n")
        let tokens = try fixture.write("m.yaml", text)
        let error = try #require(configError { _ = try Manifest.load(path: tokens) })
        #expect(error.line == line(of: "tokens:", in: text))
        #expect(error.message == "key 'tokens' in phase 'p' must be a token count "
            + "(an integer, or a number with K, M, B or T, like 20M or 1.5B), got '20 millions'")
    }

    @Test func typoSuggestions() {
        #expect(YAMLMapping.editDistance("pahts", "paths") == 1)
        #expect(YAMLMapping.editDistance("", "abc") == 3)
        #expect(YAMLMapping.closest(to: "includ", among: ManifestSource.keys) == "include")
        #expect(YAMLMapping.closest(to: "zzzzzz", among: ManifestSource.keys) == nil)
    }

    // MARK: Shipped files

    /// The package root, two folders above this test file's folder.
    private static let packageRoot: String = {
        let file = URL(fileURLWithPath: #filePath)
        return file.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()

    @Test func shippedLocalPipelineAndManifestLoad() throws {
        let loaded = try PipelineConfig.loadWithManifest(path: Self.packageRoot + "/pipelines/local.yaml")
        #expect(loaded.pipeline.name == "local")
        #expect(loaded.pipeline.ingest == IngestConfig())
        // The later stages' sections are read strictly when their stage starts: check they do.
        #expect(Set(loaded.pipeline.reserved.keys) == ["tokenizer", "model", "schedule", "eval", "decontaminate", "align"])
        #expect(try loaded.pipeline.alignSettings().rounds == 2)
        #expect(try loaded.pipeline.decontaminateSettings() == DecontaminateSettings())
        let tokenizer = try TokenizerConfig.load(from: loaded.pipeline)
        #expect(tokenizer.trainerOptions.vocabSize == 4096)
        let evaluation = try loaded.pipeline.evalSettings()
        #expect(evaluation.prompts.count == 4 && evaluation.maxSamples == 256 && evaluation.temperature == 0.8)
        #expect(try loaded.pipeline.modelSettings().sequenceLength == loaded.pipeline.pack.options.seqLen)
        #expect(try loaded.pipeline.scheduleSettings().phases.map(\.name) == loaded.manifest.phases.map(\.name))
        let manifest = loaded.manifest
        #expect(manifest.sources.map(\.name) == ["debian-docs", "licenses", "python-stdlib", "plm-sources", "package-qa",
                                                "command-qa", "docstring-qa", "license-qa", "arithmetic-train"])
        #expect(manifest.sources.map(\.priority) == Array(0..<9))
        #expect(manifest.sources.filter { $0.generated != nil }.allSatisfy { $0.spec.domain == "chat" })
        #expect(manifest.evaluations.map(\.name) == ["arithmetic"])
        #expect(manifest.evaluations[0].generated?.split == .heldout)

        let docs = try #require(manifest.source(named: "debian-docs"))
        #expect(docs.spec.paths == ["/usr/share/doc"])
        #expect(docs.spec.optional)
        #expect(docs.spec.include.contains("changelog*"))
        #expect(docs.spec.exclude.contains("*.png"))

        let licenses = try #require(manifest.source(named: "licenses"))
        #expect(licenses.spec.license == "license texts, redistributable verbatim")

        let python = try #require(manifest.source(named: "python-stdlib"))
        #expect(python.spec.paths == ["/usr/lib/python3*", "/usr/local/lib/python3*"])
        #expect(python.spec.domain == "code")
        #expect(python.spec.exclude.contains("test/"))

        let own = try #require(manifest.source(named: "plm-sources"))
        #expect(own.spec.paths == [ConfigPaths.normalize(Self.packageRoot + "/Sources")])
        #expect(!own.spec.optional)
        #expect(own.spec.include == ["*.swift", "*.h", "*.modulemap"])

        #expect(manifest.phases.map(\.name) == ["pretrain-1", "pretrain-2", "anneal", "sft-1", "sft-2", "aries"])
        #expect(manifest.phases.map(\.kind) == [.pretrain, .pretrain, .pretrain, .sft, .sft, .preference])
        #expect(manifest.packedPhases.allSatisfy { ($0.tokens ?? 0) > 0 && ($0.tokens ?? 0) <= 10_000_000 })
        #expect(manifest.phase(named: "aries")?.prompts == "arithmetic-train")
        // Every note is about an optional source.
        #expect(loaded.notes.allSatisfy { note in
            manifest.sources.contains { $0.spec.optional && note.hasPrefix("source '\($0.name)'") }
        })
    }
}
