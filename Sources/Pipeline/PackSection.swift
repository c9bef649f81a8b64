import Shards
import Yams

/// The pipeline's `pack:` section: how phases become shards. Every key is optional.
public struct PackConfig: Sendable, Equatable {
    public var options = PackOptions()
    /// Forced token column type; nil picks uint16 when the vocabulary fits, else int32.
    public var tokenType: MDSElementType?
    /// Phases to pack (default: every phase of the manifest).
    public var phases: [String]?

    public init() {}

    static let yamlKeys = ["seq_len", "packing", "val_fraction", "seed", "compression_level", "shard_size",
                           "allow_upsample", "megatron", "token_type", "phases", "plan_buffer"]

    /// Token column types a user may force (`auto` lets the vocabulary decide).
    enum TokenTypeChoice: String, CaseIterable {
        case auto, uint16, int32
    }

    init(section: YAMLMapping?) throws(ConfigError) {
        self.init()
        guard let section else { return }
        if let seqLen = try section.optionalInt("seq_len", atLeast: 1) { options.seqLen = seqLen }
        if let packing = try section.optionalChoice("packing", as: PackingMode.self) { options.packing = packing }
        if let fraction = try section.optionalDouble("val_fraction") {
            guard (0..<1).contains(fraction) else { throw section.invalid("val_fraction", mustBe: "a fraction in [0, 1)") }
            options.validationFraction = fraction
        }
        if let seed = try section.optionalInt("seed", atLeast: 0) { options.seed = UInt64(seed) }
        if let level = try section.optionalInt("compression_level", atLeast: 0) {
            guard level <= 22 else { throw section.invalid("compression_level", mustBe: "a zstd level 1-22, or 0 for no compression") }
            options.compressionLevel = level == 0 ? nil : Int32(level)
        }
        if let size = try section.optionalByteSize("shard_size") {
            guard size > 0, size < 1 << 32 else { throw section.invalid("shard_size", mustBe: "a size under 4GiB (MDS offsets are 32-bit)") }
            options.shardSizeLimit = size
        }
        if let allow = try section.optionalBool("allow_upsample") { options.allowUpsample = allow }
        if let megatron = try section.optionalBool("megatron") { options.megatron = megatron }
        switch try section.optionalChoice("token_type", as: TokenTypeChoice.self) {
        case .uint16: tokenType = .uint16
        case .int32: tokenType = .int32
        case .auto, nil: tokenType = nil
        }
        if let bytes = try section.optionalByteSize("plan_buffer") {
            guard bytes >= 1 << 20 else { throw section.invalid("plan_buffer", mustBe: "at least 1MiB") }
            options.planBufferBytes = bytes
        }
        if let names = try section.optionalStringList("phases") { phases = names.map(\.value) }
    }
}
