import Foundation
import PLMModel
import Testing
import Tokenization
@testable import PLMInference

/// Our GGUF files against what the peers made of the same files (Fixtures/gguf_golden.json, made by
/// Benchmarks/llama/make_golden.py): gguf-py's parse (keys, value types, tensors, offsets, dequantized
/// values), llama.cpp's token ids and end-of-generation tokens, and llama.cpp's logits through the
/// whole model, which our trainer's forward pass must reproduce.
@Suite struct GGUFGoldenTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/gguf_golden.json")

    /// The golden files: a seeded tiny PLM with weights scaled up (logits far from uniform) and the
    /// test tokenizer, in f32, and in q8_0 with 48-wide rows (f16 fallback).
    static func goldenModel(_ config: PLMConfig) -> PLMTransformer {
        let model = GGUFFixtures.model(config)
        for tensor in model.layout.tensors where !tensor.isNorm {
            for i in tensor.offset..<tensor.offset + tensor.count { model.parameters[i] *= 10 }
        }
        return model
    }

    static let files: [(name: String, type: WeightType, config: PLMConfig)] = [
        ("golden-f32.gguf", .f32, GGUFFixtures.config()), ("golden-q8_0.gguf", .q8_0, GGUFFixtures.config(hiddenSize: 48)),
    ]

    @Test func filesMatchTheGolden() throws {
        try withTemporaryFolder { folder in
            // Written (and, for make_golden.py, copied out) before the golden is read.
            let tokenizer = try GGUFFixtures.tokenizer()
            for spec in Self.files {
                let path = folder + "/" + spec.name
                try PLMGGUFWriter.write(config: spec.config, tokenizer: tokenizer, weights: Self.goldenModel(spec.config),
                                        type: spec.type, name: "gguf-golden", to: path)
                if let out = ProcessInfo.processInfo.environment["PLM_GGUF_GOLDEN_DIR"] {
                    try? FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                    try? FileManager.default.removeItem(atPath: out + "/" + spec.name)
                    try FileManager.default.copyItem(atPath: path, toPath: out + "/" + spec.name)
                }
            }
            let golden = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixture)) as? [String: Any])
            let goldenFiles = try #require(golden["files"] as? [String: [String: Any]])
            var firstKeys: [String: Any] = [:]
            for (index, spec) in Self.files.enumerated() {
                let expected = try #require(goldenFiles[spec.name])
                let keys = try #require(expected["keys"] as? [String: Any])
                if index == 0 { firstKeys = keys }
                // The second file's golden lists only the keys that differ from the first's.
                try check(GGUFFile(path: folder + "/" + spec.name), against: expected,
                          keys: firstKeys.merging(keys) { $1 }, exhaustive: index == 0)
            }
        }
    }

    private func check(_ file: GGUFFile, against golden: [String: Any], keys: [String: Any], exhaustive: Bool) throws {
        #expect(file.byteCount == golden["size"] as? Int)
        #expect(file.alignment == golden["alignment"] as? Int)
        if exhaustive { #expect(Set(file.metadata.keys) == Set(keys.keys)) }
        for (key, entry) in keys {
            let entry = try #require(entry as? [String: Any])
            let value = try #require(file.metadata[key], "gguf-py read \(key), we did not")
            #expect(value.type.description.uppercased() == entry["type"] as? String, "\(key)")
            if let array = value.arrayValue {
                let elements = Self.jsonElements(array)
                #expect(array.elementType.description.uppercased() == entry["element"] as? String, "\(key)")
                #expect(array.count == entry["count"] as? Int, "\(key)")
                #expect(Self.same(Array(elements.prefix(6)), entry["head"]), "\(key) head")
                #expect(Self.same(Array(elements.suffix(3)), entry["tail"]), "\(key) tail")
            } else {
                #expect(Self.same([Self.jsonValue(value)], [entry["value"] as Any]), "\(key): \(value.summary)")
            }
        }
        let tensors = try #require(golden["tensors"] as? [[String: Any]])
        #expect(tensors.map { $0["name"] as? String } == file.tensors.map(\.name))
        for entry in tensors {
            let name = try #require(entry["name"] as? String)
            let tensor = try #require(file.tensor(named: name))
            #expect(tensor.dimensions == entry["shape"] as? [Int], "\(name)")
            #expect(tensor.type.rawValue.uppercased() == entry["type"] as? String, "\(name)")
            #expect(tensor.offset == entry["offset"] as? Int, "\(name)")
            #expect(tensor.byteCount == entry["bytes"] as? Int, "\(name)")
            let values = file.matrix(tensor).decoded()
            let sum = values.reduce(0.0) { $0 + Double($1) }, goldenSum = try #require(entry["sum"] as? Double)
            #expect(abs(sum - goldenSum) <= 1e-9 * max(1, abs(goldenSum)), "\(name): gguf-py dequantizes to another sum")
            // As floats: Foundation's JSON parser can be an ulp off in the last digit of a double.
            #expect(Array(values.prefix(3)) == (entry["head"] as? [Double])?.map { Float($0) }, "\(name)")
        }
    }

    @Test func llamaCppTokenizesAsWeDo() throws {
        let golden = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixture)) as? [String: Any])
        let tokenize = try #require(golden["tokenize"] as? [String: Any])
        try withTemporaryFolder { folder in
            let path = folder + "/model.gguf"
            try GGUFFixtures.writeModel(to: path, type: .f32)
            let read = try PLMGGUFModel(path: path)
            let encoder = try BPETokenizer(model: read.tokenizer.model)
            let texts = try #require(tokenize["texts"] as? [[String: Any]])
            #expect(texts.count == 9)
            for entry in texts {
                let text = try #require(entry["text"] as? String)
                #expect(encoder.encode(text, allowSpecial: true).map(Int.init) == entry["ids"] as? [Int], "\(text.debugDescription)")
            }
            // llama.cpp ends generation on both end tokens, adds no BOS, and treats the specials as control.
            let imEnd = read.tokenizer.model.tokens.firstIndex(of: "<|im_end|>")!
            #expect(Set(tokenize["eog"] as? [Int] ?? []) == [read.tokenizer.eosTokenId!, imEnd])
            #expect(tokenize["add_bos"] as? Bool == false)
            #expect(tokenize["control"] as? [Int] == read.tokenizer.model.addedTokens.map(\.id))
        }
    }

    /// llama.cpp ran the f32 golden file; our trainer's forward pass over the same weights gives the
    /// same logits (both in f32, llama.cpp with an f32 KV cache: they differ by ~3e-6 on logits up to 4.4).
    @Test func trainerForwardMatchesLlamaCppLogits() throws {
        let golden = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixture)) as? [String: Any])
        let expected = try #require(golden["logits"] as? [String: Any])
        let tokens = try #require(expected["tokens"] as? [Int]).map(Int32.init)
        let prompt = try #require(expected["prompt"] as? String)
        let encoder = try BPETokenizer(model: GGUFFixtures.tokenizerModel())
        #expect(encoder.encode(prompt, allowSpecial: true) == tokens)

        let config = Self.files[0].config
        let model = Self.goldenModel(config)
        let n = tokens.count, v = config.vocabSize
        let logits = model.logits(TokenBatch(batchSize: 1, sequenceLength: n, inputs: tokens,
                                             targets: Array(tokens.dropFirst()) + [0]))
        let argmax = try #require(expected["argmax"] as? [Int])
        for position in 0..<n {
            let row = logits[position * v..<(position + 1) * v]
            let best = row.max()!
            // Ties within rounding are not a difference.
            #expect(best - row[row.startIndex + argmax[position]] < 1e-4, "position \(position)")
        }
        let head = try #require(expected["last_position_head"] as? [Double])
        for (i, value) in head.enumerated() {
            #expect(abs(Double(logits[(n - 1) * v + i]) - value) < 1e-4, "last position, logit \(i)")
        }
        var loss = 0.0
        for position in 0..<(n - 1) {
            let row = logits[position * v..<(position + 1) * v].map(Double.init)
            let top = row.max()!
            loss += log(row.reduce(0) { $0 + exp($1 - top) }) + top - row[Int(tokens[position + 1])]
        }
        #expect(abs(loss / Double(n - 1) - (expected["loss"] as? Double ?? .nan)) < 1e-4)
    }

    // MARK: JSON comparison

    static func jsonElements(_ array: GGUFArray) -> [Any] {
        switch array {
        case .string(let a): a
        case .int32(let a): a.map { Int($0) }
        case .uint32(let a): a.map { Int($0) }
        case .float32(let a): a.map { Double($0) }
        case .bool(let a): a
        default: []
        }
    }

    static func jsonValue(_ value: GGUFValue) -> Any {
        if let text = value.stringValue { return text }
        if let flag = value.boolValue { return flag }
        if let number = value.intValue { return number }
        return value.doubleValue ?? .nan
    }

    /// Strings, booleans and numbers compared as JSON holds them (floats read back as Float).
    static func same(_ ours: [Any], _ theirs: Any?) -> Bool {
        guard let theirs = theirs as? [Any], theirs.count == ours.count else { return false }
        return zip(ours, theirs).allSatisfy { a, b in
            switch (a, b) {
            case let (a as String, b as String): return a == b
            case let (a as Bool, b as NSNumber): return a == b.boolValue
            case let (a as Int, b as NSNumber): return a == b.intValue && Double(a) == b.doubleValue
            case let (a as Double, b as NSNumber): return Float(a) == Float(b.doubleValue)
            default: return false
            }
        }
    }
}
