import Tokenization

/// What one step of a `TextStream` outputs: text to show now (possibly empty) and, on the step that
/// ends generation, why.
public struct StreamPiece: Sendable, Equatable {
    public var text: String
    public var stop: StopReason?
}

/// Turns generated ids into text for streaming output, applying the stop conditions:
/// - no piece ends inside a UTF-8 character (`StreamingDecoder` holds the bytes of an unfinished one);
/// - text that could still be the beginning of a stop string is held back until it is known not to be;
/// - when a stop string completes, only the text before it is output, and the stream reports which
///   one. When several could match, the one completed first wins (`StopStringMatcher.firstMatch`), so
///   the output does not depend on how tokens split the text;
/// - a stop token ends the stream without its own text; reaching `maxTokens` ends it after that
///   token's text; the engine ends it with `finish(.contextFull)` when the context is full. Each of
///   these outputs what was held back (an unfinished character as U+FFFD, as `BPETokenizer.decode`
///   would show it).
///
/// `text` is the concatenation of every piece output: the final text.
public struct TextStream {
    public let conditions: StopConditions
    /// Everything output so far.
    public private(set) var text = ""
    /// Ids appended so far (the stop token included).
    public private(set) var tokenCount = 0
    /// Why the stream ended; nil while it runs.
    public private(set) var stopReason: StopReason?

    private var decoder: StreamingDecoder
    private let matcher: StopStringMatcher
    /// Decoded bytes not yet output: always whole characters, and (between calls) only the part that
    /// could still begin a stop string.
    private var pending: [UInt8] = []

    public init(tokenizer: BPETokenizer, conditions: StopConditions) throws(StopConditionsError) {
        try conditions.validate()
        self.conditions = conditions
        decoder = StreamingDecoder(tokenizer: tokenizer)
        matcher = StopStringMatcher(conditions.strings)
    }

    public var isFinished: Bool { stopReason != nil }

    /// The text that `id` adds to the output, and the stop it causes if any. After the stream has
    /// ended, further ids add nothing and report the same stop.
    public mutating func append(_ id: Int32) -> StreamPiece {
        guard stopReason == nil else { return StreamPiece(text: "", stop: stopReason) }
        tokenCount += 1
        if conditions.tokenIds.contains(id) { return end(.stopToken(id)) }
        pending.append(contentsOf: decoder.append(id).utf8)
        if let piece = cutAtStopString() { return piece }
        if let limit = conditions.maxTokens, tokenCount >= limit { return end(.maxTokens(limit)) }
        let ready = pending.count - matcher.heldLength(pending)
        return output(count: ready, stop: nil)
    }

    /// Ends the stream for a reason outside the ids (the context is full, the caller gave up) and
    /// outputs what was held back. Nothing happens if the stream has already ended.
    public mutating func finish(_ reason: StopReason = .contextFull) -> StreamPiece {
        guard stopReason == nil else { return StreamPiece(text: "", stop: stopReason) }
        return end(reason)
    }

    /// Outputs everything held back (a stop string may still complete with the decoder's last bytes).
    private mutating func end(_ reason: StopReason) -> StreamPiece {
        pending.append(contentsOf: decoder.finish().utf8)
        if let piece = cutAtStopString() { return piece }
        return output(count: pending.count, stop: reason)
    }

    /// When a stop string is in `pending`: outputs the text before it and ends the stream.
    private mutating func cutAtStopString() -> StreamPiece? {
        guard !matcher.isEmpty, let match = matcher.firstMatch(in: pending) else { return nil }
        _ = decoder.finish()   // bytes after the stop string are dropped
        return output(count: match.start, stop: .stopString(matcher.strings[match.string]))
    }

    /// Outputs the first `count` pending bytes (whole characters) and records a stop.
    private mutating func output(count: Int, stop: StopReason?) -> StreamPiece {
        let piece = String(decoding: pending[..<count], as: UTF8.self)
        if stop != nil {
            pending.removeAll()
        } else {
            pending.removeFirst(count)
        }
        text += piece
        stopReason = stop
        return StreamPiece(text: piece, stop: stop)
    }
}
