import CorpusIO
import Stages

/// Reads one file as the ingest stage reads each of its inputs (the same formats, limits, cleaning and
/// skips), handing each document to `body` instead of writing it; returns the counters the stage would
/// add to its stats. For a quick look at what ingest makes of a file, and for the fuzzer, which feeds
/// it millions of inputs without the stage's output files. A path that is not a readable regular file
/// returns empty counters.
public func ingestDocuments(ofFile path: String, source: SourceSpec, config: IngestConfig,
                            log: @escaping (String) -> Void = { _ in },
                            _ body: @escaping (Document) throws -> Void) throws -> SourceStats {
    var walker = FileWalker()
    guard let file = walker.walk(root: path, filter: PathFilter()).first else { return SourceStats() }
    let reader = IngestReader(source: source, config: config, log: log, write: body)
    try reader.read(file: file)
    return reader.stats
}
