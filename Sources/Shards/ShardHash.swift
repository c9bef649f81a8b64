import CorpusIO
import Crypto

/// The shard-file hashes mosaicml-streaming records and checks (hex digests as Python's
/// `hashlib.sha1(...).hexdigest()` and `xxhash.xxh3_64(...).hexdigest()` print them).
public enum ShardHash: String, Sendable, CaseIterable, Codable {
    case sha1
    case xxh3_64

    public func digest(_ bytes: UnsafeRawBufferPointer) -> String {
        switch self {
        case .sha1:
            return Insecure.SHA1.hash(data: bytes).map { byte in
                let digits = String(byte, radix: 16)
                return digits.count == 1 ? "0" + digits : digits
            }.joined()
        case .xxh3_64:
            return hex(XXHash.xxh3_64(bytes))
        }
    }

    public func digest(_ bytes: [UInt8]) -> String { bytes.withUnsafeBytes { digest($0) } }
}
