import Dispatch

/// A document after tokenizing: what packing places into sequences.
struct TokenizedDocument: Sendable {
    var source: Int
    /// Pretraining: the text's ids + EOS. SFT: the rendered conversation. Preference: the prompt
    /// with the chosen answer.
    var tokens: [Int32]
    /// SFT and preference: 1 where the loss counts.
    var mask: [UInt8]?
    /// Preference only: the prompt with the rejected answer, and its mask.
    var rejected: [Int32]?
    var rejectedMask: [UInt8]?
    /// Hash of the content, for the split and the subsampling order.
    var contentHash: UInt64

    /// Tokens counted towards the mixture (both sides of a preference pair).
    var tokenCount: Int { tokens.count + (rejected?.count ?? 0) }
}

/// Why a document was not packed.
struct RejectedDocument: Error, Sendable {
    var id: String
    var reason: String
}

/// Tokenizes documents on all cores. Each worker takes fixed slices of the input, so the result
/// does not depend on the worker count.
enum DocumentTokenizer {
    static func tokenize(_ documents: [PackDocument], sources: [String: Int], kind: PackKind,
                         encoder: any TextEncoder, template: ChatTemplate?, endOfText: Int32,
                         workers: Int) -> [Result<TokenizedDocument, RejectedDocument>] {
        let slots = ResultSlots<Result<TokenizedDocument, RejectedDocument>>(count: documents.count)
        let chunk = 256
        let chunks = (documents.count + chunk - 1) / chunk
        let next = NextIndex()
        DispatchQueue.concurrentPerform(iterations: max(1, min(workers, chunks))) { _ in
            while let slice = next.take(below: chunks) {
                for index in slice * chunk..<min(documents.count, (slice + 1) * chunk) {
                    slots.set(index, tokenize(documents[index], source: sources[documents[index].source] ?? 0, kind: kind,
                                              encoder: encoder, template: template, endOfText: endOfText))
                }
            }
        }
        return slots.values
    }

    static func tokenize(_ document: PackDocument, source: Int, kind: PackKind, encoder: any TextEncoder,
                         template: ChatTemplate?, endOfText: Int32) -> Result<TokenizedDocument, RejectedDocument> {
        let hash = XXHashBridge.hash(document.splitKey)
        func reject(_ reason: String) -> Result<TokenizedDocument, RejectedDocument> {
            .failure(RejectedDocument(id: document.id, reason: reason))
        }
        switch (kind, document.content) {
        case (.pretrain, .text(let text)):
            // Appending in place reuses the encoder's spare capacity; `+ [endOfText]` would copy every id.
            var tokens = encoder.encode(text, allowSpecial: false)
            tokens.append(endOfText)
            return .success(TokenizedDocument(source: source, tokens: tokens, contentHash: hash))
        case (.sft, .chat(let messages)):
            guard let template else { return reject("no chat template") }
            if let problem = ChatTemplate.validate(messages, needsAssistant: true) { return reject(problem) }
            var tokens: [Int32] = []
            var mask: [UInt8] = []
            template.render(messages, encoder: encoder, tokens: &tokens, mask: &mask)
            tokens.append(endOfText)
            mask.append(0)
            return .success(TokenizedDocument(source: source, tokens: tokens, mask: mask, contentHash: hash))
        case (.preference, .preference(let prompt, let chosen, let rejected)):
            guard let template else { return reject("no chat template") }
            if let problem = ChatTemplate.validate(prompt, needsAssistant: false) { return reject("prompt: " + problem) }
            if let problem = ChatTemplate.validate(chosen, needsAssistant: true) { return reject("chosen: " + problem) }
            if let problem = ChatTemplate.validate(rejected, needsAssistant: true) { return reject("rejected: " + problem) }
            // Identical answers carry no preference; their DPO gradient is zero whatever the model.
            if chosen == rejected { return reject("chosen equals rejected") }
            var promptTokens: [Int32] = []
            var promptMask: [UInt8] = []
            template.render(prompt, encoder: encoder, trainOnAssistant: false, tokens: &promptTokens, mask: &promptMask)
            var chosenTokens = promptTokens, chosenMask = promptMask
            template.render(chosen, encoder: encoder, tokens: &chosenTokens, mask: &chosenMask)
            var rejectedTokens = promptTokens, rejectedMask = promptMask
            template.render(rejected, encoder: encoder, tokens: &rejectedTokens, mask: &rejectedMask)
            return .success(TokenizedDocument(source: source, tokens: chosenTokens + [endOfText], mask: chosenMask + [0],
                                              rejected: rejectedTokens + [endOfText], rejectedMask: rejectedMask + [0],
                                              contentHash: hash))
        default:
            return reject("a \(kind.rawValue) phase cannot use this record (\(document.content.label))")
        }
    }
}

extension PackContent {
    var label: String {
        switch self {
        case .text: "plain text"
        case .chat: "a chat record"
        case .preference: "a preference record"
        }
    }
}

/// Results written by index from several threads.
/// `@unchecked Sendable` is safe: each index is written by exactly one worker, and `values` is read
/// only after `concurrentPerform` has returned (which orders those writes before the read).
/// The slots are a raw allocation, not an array property, so writers never go through the class's
/// exclusivity checks.
final class ResultSlots<T>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<T?>
    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil)
    }
    deinit {
        storage.deinitialize()
        storage.deallocate()
    }
    func set(_ index: Int, _ value: T) { storage[index] = value }
    var values: [T] { storage.map { $0! } }
}

/// A shared counter handing out work items.
final class NextIndex: Sendable {
    private let counter = AtomicCounter()
    func take(below limit: Int) -> Int? {
        let value = counter.increment()
        return value < limit ? value : nil
    }
}
