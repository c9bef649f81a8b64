import Foundation
import Testing
@testable import Shards

/// Packing reads only `id`, `source`, `text` and the chat fields (top level or under `metadata`) of a
/// document, and reports a wrong shape with its reason.
@Suite struct PackRecordTests {
    func parse(_ line: String) -> Result<PackDocument, PackRecordError> {
        PackRecordParser.parse(line: Data(line.utf8), defaultSource: "default", lineNumber: 7)
    }

    @Test func shapesAndReasons() throws {
        guard case .success(let text) = parse(#"{"id":"t","text":"hello","metadata":{"n":[1,2,{"x":null}]}}"#) else {
            Issue.record("a text record parses")
            return
        }
        #expect(text.id == "t" && text.source == "default" && text.content == .text("hello"))
        guard case .success(let chat) = parse(#"{"id":"c","source":"s","text":"x","metadata":{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}]}}"#) else {
            Issue.record("a chat record with its messages in metadata parses")
            return
        }
        #expect(chat.source == "s" && chat.content == .chat([ChatMessage(role: .user, content: "hi"),
                                                             ChatMessage(role: .assistant, content: "yo")]))
        guard case .success(let preference) = parse(#"{"prompt":"q","chosen":"good","rejected":[{"role":"assistant","content":"bad"}]}"#) else {
            Issue.record("a preference record parses")
            return
        }
        #expect(preference.id == "line 7")
        #expect(preference.content == .preference(prompt: [ChatMessage(role: .user, content: "q")],
                                                  chosen: [ChatMessage(role: .assistant, content: "good")],
                                                  rejected: [ChatMessage(role: .assistant, content: "bad")]))
        // A present null is a wrong shape, not an absent field; a top-level field wins over metadata's.
        #expect(parse(#"{"id":"n","messages":null,"metadata":{"messages":[]}}"#)
            == .failure(PackRecordError(id: "n", reason: "'messages' is not a list of messages")))
        #expect(parse(#"{"id":"r","messages":[{"role":"robot","content":"x"}]}"#)
            == .failure(PackRecordError(id: "r", reason: "'messages'[0] has unknown role 'robot' (system, user or assistant)")))
        #expect(parse(#"{"id":5,"text":7}"#)
            == .failure(PackRecordError(id: "line 7", reason: "no 'text', 'messages' or 'prompt'/'chosen'/'rejected'")))
        #expect(parse("[1,2]") == .failure(PackRecordError(id: "line 7", reason: "not a JSON object")))
        #expect(parse("{oops") == .failure(PackRecordError(id: "line 7", reason: "not a JSON object")))
        // A metadata that is not an object holds no chat fields.
        guard case .success(let plain) = parse(#"{"id":"m","text":"t","metadata":"flat"}"#) else {
            Issue.record("a string metadata is ignored")
            return
        }
        #expect(plain.content == .text("t"))
    }
}
