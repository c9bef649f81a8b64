extension Manifest {
    /// Checks that every source path exists on this machine: a glob must match at least one
    /// entry, a plain path must exist. A missing path of an `optional` source becomes a note
    /// (returned, for the caller to print); of any other source, an error at that path's line.
    public func validatePaths() throws(ConfigError) -> [String] {
        var notes: [String] = []
        for source in sources {
            for (index, resolved) in source.spec.paths.enumerated() {
                let isPattern = ConfigPaths.hasGlob(resolved)
                let found = isPattern ? !ConfigPaths.expand(resolved).isEmpty : ConfigPaths.exists(resolved)
                if found { continue }
                let problem = isPattern ? "matched nothing" : "does not exist"
                if source.spec.optional {
                    notes.append("source '\(source.name)': \(resolved) \(problem), skipped")
                    continue
                }
                let written = index < source.writtenPaths.count ? source.writtenPaths[index] : resolved
                let location = index < source.pathLocations.count
                    ? source.pathLocations[index] : ConfigLocation(line: source.line, column: 1)
                var message = "path '\(written)' of source '\(source.name)' \(problem)"
                if written != resolved { message += " (resolved to \(resolved))" }
                message += "; fix it or mark the source 'optional: true'"
                throw ConfigError(file: path, location: location, message: message)
            }
        }
        // An evaluation set is never optional: scoring and decontaminating against nothing would look
        // like a clean result.
        for evaluation in evaluations {
            guard let file = evaluation.path, !ConfigPaths.exists(file) else { continue }
            throw ConfigError(file: path, location: ConfigLocation(line: evaluation.line, column: 1),
                              message: "evaluation set '\(evaluation.name)': \(file) does not exist")
        }
        return notes
    }
}
