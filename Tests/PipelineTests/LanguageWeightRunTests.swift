import CorpusIO
import Curation
import Foundation
import Shards
import Stages
import Testing
import Tokenization
@testable import Pipeline

/// `language_weights` end to end: ingest, dedup, the language filter with a fastText model trained by the
/// `fasttext` package (`model:`), the tokenizer and packing, on a small corpus in four languages; the shares
/// the phase realises follow the weights, and a language of weight 0 (or not listed) never reaches the shards.
@Suite("Language weights through a run", .serialized)
struct LanguageWeightRunTests {
    /// Six languages told apart by a 69 KB model (Benchmarks/langid/make_pipeline_model.py); every paragraph
    /// below is labelled with its own language, with a probability above 0.65.
    static let model: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<2 { url.deleteLastPathComponent() }
        return url.path + "/LanguageIDTests/Fixtures/fasttext-6lang.ftz"
    }()

    /// The words of an interface's messages, per language: paragraphs drawn from them read as that language.
    static let vocabulary: [String: String] = [
        "en": "the file could not be opened because of an error in the window please select a folder and try again "
            + "settings are saved when you close the program",
        "de": "die Datei konnte nicht geöffnet werden weil ein Fehler im Fenster aufgetreten ist bitte wählen Sie "
            + "einen Ordner und versuchen Sie es erneut Einstellungen werden gespeichert wenn Sie das Programm schließen",
        "fr": "le fichier n'a pas pu être ouvert à cause d'une erreur dans la fenêtre veuillez choisir un dossier et "
            + "réessayer les paramètres sont enregistrés quand vous fermez le programme",
        "es": "no se pudo abrir el archivo por un error en la ventana por favor seleccione una carpeta e inténtelo de "
            + "nuevo la configuración se guarda cuando cierra el programa",
    ]
    static let documentsPerLanguage = ["en": 30, "de": 30, "fr": 30, "es": 20]

    /// `docs/<language>/docN.txt`: six seeded random sentences of the language's words each.
    static func makeCorpus(in folder: String) throws {
        var state: UInt64 = 12345
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33)
        }
        for language in vocabulary.keys.sorted() {
            let words = vocabulary[language]!.split(separator: " ")
            for index in 0..<documentsPerLanguage[language]! {
                let sentences = (0..<6).map { _ in
                    let line = (0..<(8 + next() % 8)).map { _ in words[next() % words.count] }.joined(separator: " ")
                    return line.prefix(1).uppercased() + line.dropFirst() + "."
                }
                try write(sentences.joined(separator: "\n") + "\n", to: "\(folder)/docs/\(language)/doc\(index).txt")
            }
        }
    }

    static func write(_ text: String, to path: String) throws {
        try FileSystem.createDirectory(FileSystem.parent(of: path))
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static let manifest = """
        name: m
        sources:
          - {name: docs, paths: docs, domain: prose}
        phases:
          - {name: mixed, kind: pretrain, tokens: 6K, weights: {docs: 1}, language_weights: {en: 1, de: 0.5, fr: 0}}
          - {name: plain, kind: pretrain, tokens: 6K, weights: {docs: 1}}
        """

    /// The language filter keeps every document (`languages: []`) and writes its language.
    static func pipeline(root: String) -> String {
        """
        name: langmix
        manifest: m.yaml
        output: \(root)/out
        workers: 2
        ingest: {tasks: 2}
        filters:
          by_domain: {default: [language]}
          language: {languages: [], model: \(model)}
        tokenizer: {vocab_size: 300, preset: gpt2}
        pack: {seq_len: 64, val_fraction: 0}
        """
    }

    /// The filter's output: each document's id and the language written into its metadata.
    static func filteredLanguages(root: String) throws -> [String: String] {
        var languages: [String: String] = [:]
        let folder = root + "/out/filter/output/docs"
        for file in FileSystem.list(folder) where file.hasSuffix(".jsonl.zst") {
            try ZstdLineReader.forEachLine(path: folder + "/" + file) { line in
                guard case .line(let bytes, _) = line else { return }
                let document = try JSONDecoder().decode(Document.self, from: Data(bytes))
                languages[document.id] = document.metadata["language"]?.stringValue ?? "(none)"
            }
        }
        return languages
    }

    @Test("ingest, the language filter and packing: shares follow the weights, weight 0 and unlisted languages are left out")
    func sharesFollowTheWeights() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("plm-langmix-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try Self.makeCorpus(in: root)
        try Self.write(Self.manifest, to: root + "/m.yaml")
        try Self.write(Self.pipeline(root: root), to: root + "/p.yaml")
        #expect(try StageGraphTests.run(root, .init(until: "pack")) == ["ingest", "dedup", "filter", "tokenizer", "pack/mixed", "pack/plain"])

        // The filter labelled every paragraph with its own language (the folder it came from).
        let languages = try Self.filteredLanguages(root: root)
        #expect(languages.count == Self.documentsPerLanguage.values.reduce(0, +))
        for (id, language) in languages { #expect(id.hasPrefix("docs/\(language)/"), "\(id) read as \(language)") }

        let report = try PhaseReport.load(directory: root + "/out/pack/mixed")
        let docs = try #require(report.train.sources["docs"]?.languages)
        let en = try #require(docs["en"]), de = try #require(docs["de"]), fr = try #require(docs["fr"])
        #expect(en.documents == 30 && de.documents == 30 && fr.documents == 30 && docs["other"]?.documents == 20)
        #expect(en.weight == 1 && de.weight == 0.5 && fr.weight == 0 && docs["other"]?.weight == 0)
        // The source's 6K tokens are shared by weight x available tokens: French (weight 0) and Spanish
        // (`other`, not listed) get none.
        let enMass = Double(en.availableTokens), deMass = 0.5 * Double(de.availableTokens)
        let aim = ["en": enMass / (enMass + deMass), "de": deMass / (enMass + deMass)]
        #expect(fr.selectedTokens == 0 && docs["other"]?.selectedTokens == 0)
        #expect(en.targetTokens + de.targetTokens == 6000 && en.selectedTokens + de.selectedTokens == 6000)
        let written = try #require(report.train.tokensByLanguage), share = try #require(report.train.shareByLanguage)
        let target = try #require(report.train.targetShareByLanguage)
        #expect(Set(written.keys) == ["en", "de"], "\(written)")
        for language in ["en", "de"] {
            #expect(abs(target[language]! - aim[language]!) < 1e-3, "\(language): target \(target[language]!)")
            // Concat packing drops the tail after the last full sequence: realised within 2 points.
            #expect(abs(share[language]! - aim[language]!) < 0.02, "\(language): \(share[language]!) against \(aim[language]!)")
        }

        // Read back from the shards: German and English words, no French or Spanish one.
        let tokenizer = try BPETokenizer(model: TokenizerFileReader.parse(
            Data(FileInput.readAll(path: root + "/out/tokenizer/tokenizer.json")), path: "tokenizer.json"))
        let reader = try ShardReader(directory: root + "/out/pack/mixed/train")
        let text = try (0..<reader.sampleCount).map { tokenizer.decode(try reader.sample(at: $0).tokens) }.joined()
        #expect(text.contains("Datei") && text.contains("window"))
        for word in ["fichier", "fenêtre", "archivo", "ventana"] { #expect(!text.contains(word), "\(word) packed") }

        // The phase without weights packs every language and records none.
        let plain = try PhaseReport.load(directory: root + "/out/pack/plain")
        #expect(plain.train.tokensByLanguage == nil && plain.train.sources["docs"]?.languages == nil)

        // plm stats shows the weighted phase by language, and says why the other has no such view.
        let stats = try #require(PhaseLanguageTable.section(root: root + "/out", languagesFiltered: true))
        let lines = stats.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("pack/mixed train: ") == true, "\(stats)")
        // Columns: language, weight, documents, available, written, share, target share.
        func row(_ language: String) -> [String]? {
            lines.map { $0.split(separator: " ").map(String.init) }.first { $0.first == language }
        }
        #expect(row("en") == ["en", "1", "30", String(en.availableTokens), String(written["en"]!),
                              PhaseLanguageTable.percent(share["en"]!), PhaseLanguageTable.percent(target["en"]!)])
        #expect(row("fr") == ["fr", "0", "30", String(fr.availableTokens), "0", "0.0%", "0.0%"])
        #expect(row("other")?[2] == "20" && row("other")?[4] == "0")
        #expect(lines.last == "pack/plain: no language_weights, so phase.json has no shares per language")
    }
}
