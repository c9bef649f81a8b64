import Curation

// Each filter's thresholds under `filters.<name>:`, named as datatrove's constructor arguments.

extension GopherQualityConfig {
    static let yamlKeys = ["min_doc_words", "max_doc_words", "min_avg_word_length", "max_avg_word_length",
                           "max_symbol_word_ratio", "max_bullet_lines_ratio", "max_ellipsis_lines_ratio",
                           "max_non_alpha_words_ratio", "min_stop_words", "stop_words"]

    mutating func read(_ section: YAMLMapping) throws(ConfigError) {
        if let value = try section.optionalInt("min_doc_words", atLeast: 0) { minDocWords = value }
        if let value = try section.optionalInt("max_doc_words", atLeast: 0) { maxDocWords = value }
        if let value = try section.optionalDouble("min_avg_word_length") { minAvgWordLength = value }
        if let value = try section.optionalDouble("max_avg_word_length") { maxAvgWordLength = value }
        if let value = try section.optionalDouble("max_symbol_word_ratio") { maxSymbolWordRatio = value }
        if let value = try section.optionalDouble("max_bullet_lines_ratio") { maxBulletLinesRatio = value }
        if let value = try section.optionalDouble("max_ellipsis_lines_ratio") { maxEllipsisLinesRatio = value }
        if let value = try section.optionalDouble("max_non_alpha_words_ratio") { maxNonAlphaWordsRatio = value }
        if let value = try section.optionalInt("min_stop_words", atLeast: 0) { minStopWords = value }
        if let value = try section.optionalStringList("stop_words") { stopWords = value.map { $0.value } }
    }
}

extension GopherRepetitionConfig {
    static let yamlKeys = ["dup_line_frac", "dup_para_frac", "dup_line_char_frac", "dup_para_char_frac",
                           "top_n_grams", "dup_n_grams"]

    mutating func read(_ section: YAMLMapping) throws(ConfigError) {
        if let value = try section.optionalDouble("dup_line_frac") { dupLineFrac = value }
        if let value = try section.optionalDouble("dup_para_frac") { dupParaFrac = value }
        if let value = try section.optionalDouble("dup_line_char_frac") { dupLineCharFrac = value }
        if let value = try section.optionalDouble("dup_para_char_frac") { dupParaCharFrac = value }
        if let value = try Self.thresholds(section, "top_n_grams") { topNGrams = value }
        if let value = try Self.thresholds(section, "dup_n_grams") { dupNGrams = value }
        if let problem = invalidReason { throw section.error(at: section.location(of: "top_n_grams"), problem) }
    }

    /// `{2: 0.2, 3: 0.18}`: n-gram size to fraction.
    private static func thresholds(_ section: YAMLMapping, _ key: String) throws(ConfigError) -> [GopherNGramThreshold]? {
        guard let items = try section.optionalNumberMap(key) else { return nil }
        var result: [GopherNGramThreshold] = []
        for item in items {
            guard let n = Int(item.name), n >= 1 else {
                throw section.error(at: item.location, "'\(item.name)' in key '\(key)' must be an n-gram size (an integer >= 1)")
            }
            result.append(GopherNGramThreshold(n, item.value))
        }
        return result
    }
}

extension C4QualityConfig {
    static let yamlKeys = ["split_paragraph", "remove_citations", "filter_no_terminal_punct", "min_num_sentences",
                           "min_words_per_line", "max_word_length", "filter_lorem_ipsum", "filter_javascript",
                           "filter_curly_bracket", "filter_policy"]

    mutating func read(_ section: YAMLMapping) throws(ConfigError) {
        if let value = try section.optionalBool("split_paragraph") { splitParagraph = value }
        if let value = try section.optionalBool("remove_citations") { removeCitations = value }
        if let value = try section.optionalBool("filter_no_terminal_punct") { filterNoTerminalPunct = value }
        // -1 disables these checks, as in datatrove.
        if let value = try section.optionalInt("min_num_sentences", atLeast: -1) { minNumSentences = value }
        if let value = try section.optionalInt("min_words_per_line", atLeast: 0) { minWordsPerLine = value }
        if let value = try section.optionalInt("max_word_length", atLeast: -1) { maxWordLength = value }
        if let value = try section.optionalBool("filter_lorem_ipsum") { filterLoremIpsum = value }
        if let value = try section.optionalBool("filter_javascript") { filterJavascript = value }
        if let value = try section.optionalBool("filter_curly_bracket") { filterCurlyBracket = value }
        if let value = try section.optionalBool("filter_policy") { filterPolicy = value }
    }
}

extension C4ParagraphConfig {
    static let yamlKeys = ["min_paragraphs", "min_paragraph_len", "line_delimiter"]

    mutating func read(_ section: YAMLMapping) throws(ConfigError) {
        if let value = try section.optionalInt("min_paragraphs", atLeast: 0) { minParagraphs = value }
        if let value = try section.optionalInt("min_paragraph_len", atLeast: 0) { minParagraphLen = value }
        if let value = try section.optionalString("line_delimiter") {
            guard !value.isEmpty else { throw section.invalid("line_delimiter", mustBe: "a non-empty string") }
            lineDelimiter = value
        }
    }
}

extension FineWebQualityConfig {
    static let yamlKeys = ["line_punct_thr", "line_punct_exclude_zero", "stop_chars", "short_line_thr",
                           "short_line_length", "char_duplicates_ratio", "new_line_ratio"]

    mutating func read(_ section: YAMLMapping) throws(ConfigError) {
        if let value = try section.optionalDouble("line_punct_thr") { linePunctThr = value }
        if let value = try section.optionalBool("line_punct_exclude_zero") { linePunctExcludeZero = value }
        if let value = try section.optionalStringList("stop_chars") { stopChars = value.map { $0.value } }
        if let value = try section.optionalDouble("short_line_thr") { shortLineThr = value }
        if let value = try section.optionalInt("short_line_length", atLeast: 0) { shortLineLength = value }
        if let value = try section.optionalDouble("char_duplicates_ratio") { charDuplicatesRatio = value }
        if let value = try section.optionalDouble("new_line_ratio") { newLineRatio = value }
    }
}

extension PIIFormatterConfig {
    static let yamlKeys = ["remove_emails", "remove_ips", "only_remove_public_ips", "email_replacement", "ip_replacement"]

    mutating func read(_ section: YAMLMapping) throws(ConfigError) {
        if let value = try section.optionalBool("remove_emails") { removeEmails = value }
        if let value = try section.optionalBool("remove_ips") { removeIps = value }
        if let value = try section.optionalBool("only_remove_public_ips") { onlyRemovePublicIps = value }
        if let value = try section.optionalStringList("email_replacement", scalarAllowed: true) {
            guard !value.isEmpty else { throw section.invalid("email_replacement", mustBe: "at least one string") }
            emailReplacement = value.map { $0.value }
        }
        if let value = try section.optionalStringList("ip_replacement", scalarAllowed: true) {
            guard !value.isEmpty else { throw section.invalid("ip_replacement", mustBe: "at least one string") }
            ipReplacement = value.map { $0.value }
        }
    }
}

extension LanguageFilterConfig {
    static let yamlKeys = ["languages", "min_score", "model"]

    /// `languages: [en]` (an empty list keeps every document and only writes its language), `min_score`
    /// (datatrove's `language_threshold`), `model`: a fastText .bin / .ftz, relative to the pipeline file.
    mutating func read(_ section: YAMLMapping) throws(ConfigError) {
        if let value = try section.optionalStringList("languages", scalarAllowed: true) {
            languages = value.isEmpty ? nil : value.map(\.value)
        }
        if let value = try section.optionalDouble("min_score") {
            guard (0...1).contains(value) else { throw section.invalid("min_score", mustBe: "a probability between 0 and 1") }
            minScore = value
        }
        if let value = try section.optionalString("model") {
            guard !value.isEmpty else { throw section.invalid("model", mustBe: "a path to a fastText .bin or .ftz file") }
            model = ConfigPaths.resolve(value, against: ConfigPaths.directory(of: section.file))
        }
    }
}
