import Foundation
import Testing
@testable import Curation

// TEMPORARY (helper-c4): large comparison against dumps in /tmp/c4work. Delete before hand-off.
@Suite("C4Temp compare")
struct C4TempCompare {
    struct Doc: Decodable { var id: String; var text: String; var c4: String; var c4_text: String?; var para: String; var fw: String; var pii: String }
    struct Line: Decodable { var line: String; var parts: [String] }

    func answer(_ d: FilterDecision) -> String {
        switch d { case .keep: "keep"; case .drop(nil): "drop"; case .drop(let r?): "drop:\(r)" }
    }
    func same(_ a: String, _ b: String) -> Bool { a.unicodeScalars.elementsEqual(b.unicodeScalars) }

    @Test func docs() throws {
        guard let data = FileManager.default.contents(atPath: "/tmp/c4work/docs.jsonl") else { return }
        let dec = JSONDecoder()
        var n = 0; var bad: [String: [String]] = [:]
        for line in data.split(separator: 0x0A) {
            let d = try dec.decode(Doc.self, from: Data(line))
            n += 1
            var t = d.text
            let c4 = answer(C4QualityFilter().apply(to: &t))
            if c4 != d.c4 || (c4 == "keep" && !same(t, d.c4_text ?? "")) { bad["c4", default: []].append(d.id + " \(c4) vs \(d.c4)") }
            t = d.text
            if answer(C4ParagraphFilter().apply(to: &t)) != d.para { bad["para", default: []].append(d.id) }
            t = d.text
            if answer(FineWebQualityFilter().apply(to: &t)) != d.fw { bad["fw", default: []].append(d.id) }
            t = d.text
            _ = PIIFormatter().apply(to: &t)
            if !same(t, d.pii) { bad["pii", default: []].append(d.id) }
        }
        print("DOCS \(n)")
        for (k, v) in bad { print("MISMATCH \(k) \(v.count): \(v.prefix(8))") }
        #expect(bad.isEmpty)
    }

    @Test func lines() throws {
        guard let data = FileManager.default.contents(atPath: "/tmp/c4work/lines.jsonl") else { return }
        let dec = JSONDecoder()
        let s = SpacySentenceSplitter()
        var n = 0, countOK = 0, partsOK = 0
        var examples: [String] = []
        for raw in data.split(separator: 0x0A) {
            let l = try dec.decode(Line.self, from: Data(raw))
            n += 1
            let got = s.sentences(l.line[...]).map(String.init)
            if got.count == l.parts.count { countOK += 1 }
            if got.count == l.parts.count && zip(got, l.parts).allSatisfy(same) { partsOK += 1 } else if examples.count < 15 {
                examples.append("\(l.line.debugDescription)\n   got \(got)\n  want \(l.parts)")
            }
        }
        print("LINES \(n) count-agree \(countOK) parts-agree \(partsOK)")
        for e in examples { print(e) }
    }
}
