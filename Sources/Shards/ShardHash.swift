import CorpusIO
import Crypto

/// The shard-file hashes mosaicml-streaming records and checks (hex digests as Python's
/// `hashlib.sha1(...).hexdigest()` and `xxhash.xxh3_64(...).hexdigest()` print them).
public enum ShardHash: String, Sendable, CaseIterable, Codable {
    case sha1
    case xxh3_64

    public func digest(_ bytes: UnsafeRawBufferPointer) -> String {
        switch self {
        case .sha1: return digest(parts: [bytes])
        case .xxh3_64: return hex(XXHash.xxh3_64(bytes))
        }
    }

    public func digest(_ bytes: [UInt8]) -> String { bytes.withUnsafeBytes { digest($0) } }

    /// The digest of `parts` taken as one byte string, without joining them.
    public func digest(parts: [UnsafeRawBufferPointer]) -> String {
        switch self {
        case .sha1:
            var hasher = Insecure.SHA1()
            for part in parts { hasher.update(bufferPointer: part) }
            return hasher.finalize().map { byte in
                let digits = String(byte, radix: 16)
                return digits.count == 1 ? "0" + digits : digits
            }.joined()
        case .xxh3_64:
            let stream = XXH3Stream()
            for part in parts { stream.update(part) }
            return hex(stream.digest)
        }
    }
}
