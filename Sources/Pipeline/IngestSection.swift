import Curation

extension IngestConfig {
    static let yamlKeys = ["tasks", "max_document_bytes", "max_compression_ratio", "ratio_floor_bytes",
                           "archive_depth", "max_invalid_utf8_fraction", "min_text_bytes"]

    /// Reads a pipeline's `ingest:` section; absent keys keep `IngestConfig()`'s defaults.
    init(section: YAMLMapping?) throws(ConfigError) {
        self.init()
        guard let section else { return }
        if let tasks = try section.optionalInt("tasks", atLeast: 1) { self.tasks = tasks }
        if let bytes = try section.optionalByteSize("max_document_bytes") {
            guard (1...IngestConfig.largestDocumentBytes).contains(bytes) else {
                throw section.invalid("max_document_bytes", mustBe: "between 1 byte and 1GiB")
            }
            maxDocumentBytes = bytes
        }
        if let ratio = try section.optionalDouble("max_compression_ratio") {
            // A ratio of 1 or less would flag every compressed file as a bomb.
            guard ratio > 1 else { throw section.invalid("max_compression_ratio", mustBe: "a number greater than 1") }
            maxCompressionRatio = ratio
        }
        if let bytes = try section.optionalByteSize("ratio_floor_bytes") { ratioFloorBytes = bytes }
        if let depth = try section.optionalInt("archive_depth", atLeast: 0) { archiveDepth = depth }
        if let fraction = try section.optionalDouble("max_invalid_utf8_fraction") {
            guard (0...1).contains(fraction) else {
                throw section.invalid("max_invalid_utf8_fraction", mustBe: "a fraction between 0 and 1")
            }
            maxInvalidUTF8Fraction = fraction
        }
        if let bytes = try section.optionalByteSize("min_text_bytes") { minTextBytes = bytes }
    }
}
