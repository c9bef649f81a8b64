/// Slurm's array index lists (`--array=0-3,5,7-9`): the tasks of a stage that still have to run.
public enum SlurmArray {
    /// Sorted, distinct task numbers as ranges joined by commas: `[0, 1, 2, 5]` -> `0-2,5`.
    public static func spec(_ tasks: [Int]) -> String {
        let sorted = Array(Set(tasks)).sorted()
        var parts: [String] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count && sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }

    /// The task numbers of a spec, a `%N` throttle ignored; nil when it is not one (steps such as `0-9:2`
    /// are not written by plm and not read).
    public static func tasks(_ spec: String) -> [Int]? {
        let list = spec.split(separator: "%", maxSplits: 1).first.map(String.init) ?? ""
        var tasks: [Int] = []
        for part in list.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count <= 2, let low = Int(bounds[0]), low >= 0 else { return nil }
            let high = bounds.count == 2 ? Int(bounds[1]) : low
            guard let high, high >= low else { return nil }
            tasks.append(contentsOf: low...high)
        }
        return tasks.isEmpty ? nil : tasks
    }
}
