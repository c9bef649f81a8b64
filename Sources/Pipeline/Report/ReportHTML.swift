import Foundation
import PLMInference

/// `report.html`: one self-contained page (inline CSS and SVG, no script) drawn from a `RunReport`. Every
/// element is closed (void ones as `<meta/>`), so the page is also well-formed XML: tests parse it.
public enum ReportHTML {
    public static func render(_ report: RunReport) -> String {
        var body = "<h1>plm run report</h1><p class=\"muted\">\(HTML.escape(report.root))</p>"
        body += proof(report)
        body += section("Evaluation matrix", evaluationMatrix(report))
        body += section("Held-out tasks", tasks(report))
        body += section("Preference rounds", alignRounds(report))
        body += section("Training", training(report))
        body += section("Feed-forward sparsity", sparsity(report))
        body += section("Generations", generations(report))
        body += section("Data funnel", funnel(report))
        body += section("Drops by reason", drops(report))
        body += section("Duplicate clusters", clusters(report))
        body += section("Document lengths", lengths(report))
        body += section("Mixtures", mixtures(report))
        body += section("Stages: time and memory", stages(report))
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"/><title>plm report</title>"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><style>\(style)</style></head>"
            + "<body>\(body)</body></html>\n"
    }

    static let style = """
        body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:980px;color:#222;padding:0 12px}
        h1{font-size:22px}h2{font-size:17px;margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
        table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 8px;border-bottom:1px solid #eee;text-align:right}
        th{background:#f6f6f6}td:first-child,th:first-child{text-align:left}.muted{color:#777}
        .good{color:#17803d;font-weight:600}.bad{color:#b42318;font-weight:600}
        pre{background:#f6f6f6;padding:8px;white-space:pre-wrap;word-break:break-word;margin:4px 0 12px}
        svg{display:block;margin:8px 0}svg text{font-size:11px;fill:#444}svg .small{font-size:10px}
        svg .frame{fill:none;stroke:#bbb}svg .grid{stroke:#eee}svg .marker{stroke:#999;stroke-dasharray:3,3}
        .legend span{margin-right:14px;font-size:12px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
        .bar{display:inline-block;height:9px;background:#1f77b4;vertical-align:middle}
        """

    static func section(_ title: String, _ content: String) -> String { "<h2>\(HTML.escape(title))</h2>\(content)" }

    static func n(_ value: Int) -> String {
        let digits = String(value)
        var out = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 && character != "-" { out.append(",") }
            out.append(character)
        }
        return String(out.reversed())
    }

    static func mb(_ bytes: Int) -> String { String(format: "%.2f", Double(bytes) / 1e6) }

    /// The headline: the last phase's loss on each val split against the unigram baseline's.
    static func proof(_ report: RunReport) -> String {
        guard let last = report.evaluations.last, let unigram = report.baselines?.unigram else {
            return "<p class=\"muted\">No evaluation yet: the run has not trained a phase.</p>"
        }
        let rows = last.splits.keys.sorted().map { split -> String in
            let loss = last.splits[split]!.loss
            guard let base = unigram[split]?.loss else { return "" }
            let ratio = loss / base
            return "<tr><td>\(HTML.escape(split))</td><td>\(String(format: "%.3f", loss))</td><td>\(String(format: "%.3f", base))</td>"
                + "<td class=\"\(ratio <= 0.75 ? "good" : "bad")\">\(String(format: "%.2f", ratio))</td></tr>"
        }.joined()
        return "<p>Final checkpoint (<b>\(HTML.escape(last.phase))</b>) on each phase's val split, against a unigram model "
            + "of that phase's train split (nats per token; below 0.75 counts as learnt):</p>"
            + "<table><tr><th>val split</th><th>model loss</th><th>unigram loss</th><th>ratio</th></tr>\(rows)</table>"
    }

    static func evaluationMatrix(_ report: RunReport) -> String {
        let splits = Array(Set(report.evaluations.flatMap { $0.splits.keys }).union(report.baselines?.unigram.keys.map { $0 } ?? [])).sorted()
        guard !splits.isEmpty else { return "<p class=\"muted\">(none)</p>" }
        var rows: [(String, [String: EvaluationResult])] = []
        if let baselines = report.baselines {
            rows.append(("untrained (step 0)", baselines.untrained))
            rows.append(("unigram (train split counts)", baselines.unigram))
        }
        for evaluation in report.evaluations { rows.append(("after " + evaluation.phase, evaluation.splits)) }
        let header = "<tr><th>checkpoint \\ val split</th>" + splits.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr>"
        let body = rows.map { name, results in
            "<tr><td>\(HTML.escape(name))</td>" + splits.map { split in
                guard let result = results[split] else { return "<td>-</td>" }
                let bpb = result.bitsPerByte.map { String(format: "%.3f", $0) } ?? "-"
                return "<td>\(String(format: "%.3f", result.loss)) <span class=\"muted\">/ \(bpb) bpb</span></td>"
            }.joined() + "</tr>"
        }.joined()
        return "<p>Loss in nats per token / bits per byte, on the first val samples of each split (the same for every row).</p>"
            + "<table>\(header)\(body)</table>"
    }

    static func training(_ report: RunReport) -> String {
        guard !report.steps.isEmpty else { return "<p class=\"muted\">(no training metrics)</p>" }
        var markers: [(x: Double, label: String)] = []
        for phase in report.phases {
            if let first = report.steps.first(where: { $0.phase == phase }) { markers.append((Double(first.step), phase)) }
        }
        let loss = SVGChart.Series(name: "train loss", color: SVGChart.palette[0],
                                   points: report.steps.map { (Double($0.step), $0.loss) })
        let validation = SVGChart.Series(name: "val loss", color: SVGChart.palette[1],
                                         points: report.steps.compactMap { p in p.validationLoss.map { (Double(p.step), $0) } })
        var series = [loss, validation]
        if let unigram = report.baselines?.unigram.values.map(\.loss), !unigram.isEmpty {
            let mean = unigram.reduce(0, +) / Double(unigram.count)
            series.append(SVGChart.Series(name: "unigram baseline (mean of val splits)", color: "#777",
                                          points: [(Double(report.steps.first!.step), mean), (Double(report.steps.last!.step), mean)],
                                          dashed: true))
        }
        let lr = SVGChart.Series(name: "learning rate", color: SVGChart.palette[2],
                                 points: report.steps.map { (Double($0.step), $0.lr) })
        return "<p>All phases on one step axis; dashed lines mark where each phase starts.</p>"
            + SVGChart.lines(series, markers: markers, xLabel: "step", yLabel: "loss (nats/token)")
            + SVGChart.lines([lr], markers: markers, xLabel: "step", yLabel: "learning rate", height: 200)
    }

    /// The share of exactly-zero feed-forward activations (squared ReLU) per layer after each phase, over
    /// the val splits it was evaluated on: what the sparse decode path skips.
    static func sparsity(_ report: RunReport) -> String {
        var rows: [(phase: String, counts: FFNSparsity)] = []
        for evaluation in report.evaluations {
            let measured = evaluation.splits.keys.sorted().compactMap { evaluation.splits[$0]?.ffnSparsity }
            guard var total = measured.first else { continue }
            for counts in measured.dropFirst() { total.add(counts) }
            rows.append((evaluation.phase, total))
        }
        guard let layers = rows.first?.counts.zeros.count else {
            return "<p class=\"muted\">(not measured: the evaluations predate it)</p>"
        }
        func percent(_ value: Double) -> String { String(format: "%.1f", 100 * value) }
        var series = (0..<layers).map { layer in
            SVGChart.Series(name: "layer \(layer)", color: SVGChart.palette[layer % SVGChart.palette.count],
                            points: rows.enumerated().map { (Double($0.offset), 100 * $0.element.counts.layers[layer]) })
        }
        series.append(SVGChart.Series(name: "all layers", color: "#222",
                                      points: rows.enumerated().map { (Double($0.offset), 100 * $0.element.counts.overall) },
                                      dashed: true))
        let markers = rows.enumerated().map { (x: Double($0.offset), label: $0.element.phase) }
        let header = "<tr><th>after</th><th>all layers</th>" + (0..<layers).map { "<th>layer \($0)</th>" }.joined() + "</tr>"
        let body = rows.map { row in
            "<tr><td>\(HTML.escape(row.phase))</td><td>\(percent(row.counts.overall))%</td>"
                + row.counts.layers.map { "<td>\(percent($0))%</td>" }.joined() + "</tr>"
        }.joined()
        return "<p>Share of feed-forward activations that are exactly zero after squared ReLU, on the val splits, "
            + "after each phase: the columns of down_proj the sparse decode path (<code>--sparse-ffn</code>) skips.</p>"
            + SVGChart.lines(series, markers: markers, xLabel: "phase", yLabel: "zero activations (%)", height: 220)
            + "<table>\(header)\(body)</table>"
    }

    /// Exact-match accuracy on each evaluation set after each phase, with its 95% interval, and the
    /// first replies of the last phase.
    static func tasks(_ report: RunReport) -> String {
        let names = Array(Set(report.evaluations.flatMap { $0.tasks.keys })).sorted()
        guard !names.isEmpty else { return "<p class=\"muted\">(no evaluation sets in the manifest)</p>" }
        func percent(_ value: Double) -> String { String(format: "%.1f", 100 * value) }
        let header = "<tr><th>checkpoint \\ evaluation set</th>" + names.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr>"
        func row(_ label: String, _ scores: [String: TaskScore]) -> String {
            "<tr><td>\(HTML.escape(label))</td>" + names.map { name in
                guard let score = scores[name] else { return "<td>-</td>" }
                return "<td>\(percent(score.accuracy))% <span class=\"muted\">(\(percent(score.low))-\(percent(score.high))%, "
                    + "\(score.correct)/\(score.total))</span></td>"
            }.joined() + "</tr>"
        }
        let rows = report.evaluations.map { evaluation in
            // A preference phase's rounds before its last, then the phase's own evaluation (its last round).
            (report.alignScores[evaluation.phase] ?? []).enumerated().dropLast().map { round, scores in
                row("after \(evaluation.phase) round \(round)", scores)
            }.joined() + row("after " + evaluation.phase, evaluation.tasks)
        }.joined()
        var examples = ""
        if let last = report.evaluations.last(where: { !$0.tasks.isEmpty }) {
            examples = "<h3>replies after \(HTML.escape(last.phase))</h3>" + last.tasks.keys.sorted().flatMap { name in
                last.tasks[name]!.examples.map { example in
                    "<pre><b>\(HTML.escape(example.prompt))</b>\n\(HTML.escape(example.reply))\n"
                        + "<span class=\"\(example.correct ? "good" : "bad")\">expected \(HTML.escape(example.answer))</span></pre>"
                }
            }.joined()
        }
        let margins = names.flatMap { name in
            report.preferenceMargins(task: name).map { margin in
                "<li>\(HTML.escape(name)): after \(HTML.escape(margin.label)) against \(HTML.escape(margin.baseline)): "
                    + "<span class=\"\(margin.difference.isClearGain ? "good" : "muted")\">"
                    + "\(HTML.escape(margin.difference.summary))</span></li>"
            }
        }.joined()
        let paired = margins.isEmpty ? "" : "<p>What each preference round adds over the checkpoint its phase started from, "
            + "item by item on the same held-out items (Agresti and Min's paired interval; green: the interval leaves out "
            + "zero):</p><ul>\(margins)</ul>"
        return "<p>Greedy replies to held-out items, scored by each set's rule; the interval is Wilson's at 95%.</p>"
            + "<table>\(header)\(rows)</table>" + paired + examples
    }

    /// Each preference round: prompts, answers, how often first and refined answers were right, pairs made.
    static func alignRounds(_ report: RunReport) -> String {
        guard !report.alignRounds.isEmpty else { return "<p class=\"muted\">(no preference phase)</p>" }
        return report.alignRounds.keys.sorted().map { phase in
            let rows = report.alignRounds[phase]!.map { round in
                "<tr><td>\(round.round)</td><td>\(n(round.prompts))</td><td>\(n(round.answers))</td>"
                    + "<td>\(String(format: "%.1f%%", 100 * round.sampledAccuracy))</td>"
                    + "<td>\(round.refinedAccuracy.map { String(format: "%.1f%%", 100 * $0) } ?? "-")</td>"
                    + "<td>\(n(round.pairs))</td><td>\(String(format: "%.1f", round.seconds))</td></tr>"
            }.joined()
            return "<h3>\(HTML.escape(phase))</h3><table><tr><th>round</th><th>prompts</th><th>answers</th><th>sampled right</th>"
                + "<th>refined right</th><th>pairs</th><th>sampling s</th></tr>\(rows)</table>"
        }.joined()
    }

    static func generations(_ report: RunReport) -> String {
        guard !report.evaluations.isEmpty else { return "<p class=\"muted\">(none)</p>" }
        return report.evaluations.map { evaluation in
            "<h3>after \(HTML.escape(evaluation.phase))</h3>" + evaluation.generations.map { generation in
                "<pre><b>\(HTML.escape(generation.prompt))</b>\(HTML.escape(generation.text))</pre>"
            }.joined()
        }.joined()
    }

    static func funnel(_ report: RunReport) -> String {
        guard !report.funnel.isEmpty else { return "<p class=\"muted\">(none)</p>" }
        let rows = report.funnel.map { row in
            "<tr><td>\(HTML.escape(row.stage))</td><td>\(HTML.escape(row.source))</td><td>\(n(row.documentsIn))</td>"
                + "<td>\(n(row.documentsOut))</td><td>\(mb(row.bytesIn))</td><td>\(mb(row.bytesOut))</td></tr>"
        }.joined()
        let stages = ["ingest", "dedup", "filter"].filter { stage in report.funnel.contains { $0.stage == stage } }
        let totals = stages.map { stage in Double(report.funnel.filter { $0.stage == stage }.reduce(0) { $0 + $1.bytesOut }) / 1e6 }
        return SVGChart.bars(labels: stages, series: [("MB out", SVGChart.palette[0], totals)], yLabel: "MB of text", height: 200)
            + "<table><tr><th>stage</th><th>source</th><th>documents in</th><th>documents out</th><th>MB in</th><th>MB out</th></tr>"
            + "\(rows)</table><p class=\"muted\">Ingest reads files (MB as stored); later stages read document text.</p>"
    }

    static func drops(_ report: RunReport) -> String {
        guard !report.drops.isEmpty else { return "<p class=\"muted\">(none)</p>" }
        let most = report.drops.map(\.documents).max() ?? 1
        let rows = report.drops.prefix(60).map { drop in
            "<tr><td>\(HTML.escape(drop.stage))</td><td style=\"text-align:left\">\(HTML.escape(drop.reason))</td>"
                + "<td>\(n(drop.documents))</td><td>\(mb(drop.bytes))</td>"
                + "<td style=\"text-align:left\"><span class=\"bar\" style=\"width:\(Int(160 * Double(drop.documents) / Double(most)))px\"></span></td></tr>"
        }.joined()
        return "<table><tr><th>stage</th><th>reason</th><th>documents</th><th>MB</th><th></th></tr>\(rows)</table>"
    }

    static func clusters(_ report: RunReport) -> String {
        guard !report.clusterSizes.isEmpty else { return "<p class=\"muted\">(no clusters)</p>" }
        let sizes = report.clusterSizes.keys.sorted()
        return "<p>Clusters of near or exact copies, by size (one copy of each is kept).</p>"
            + SVGChart.bars(labels: sizes.map(String.init),
                            series: [("clusters", SVGChart.palette[3], sizes.map { Double(report.clusterSizes[$0]!) })],
                            yLabel: "clusters", logScale: true, height: 220)
    }

    static func lengths(_ report: RunReport) -> String {
        guard !report.lengths.isEmpty else { return "<p class=\"muted\">(none)</p>" }
        let bins = Array(Set(report.lengths.flatMap { $0.counts.keys })).sorted()
        let labels = bins.map { bin in bin >= 20 ? "\(1 << (bin - 20))M" : bin >= 10 ? "\(1 << (bin - 10))k" : "\(1 << bin)" }
        let series = report.lengths.enumerated().map { index, histogram in
            (name: histogram.stage == "ingest" ? "before filtering (ingest)" : "after filtering",
             color: SVGChart.palette[index], values: bins.map { Double(histogram.counts[$0] ?? 0) })
        }
        return "<p>Documents by text length in bytes (bins from each power of two).</p>"
            + SVGChart.bars(labels: labels, series: series, yLabel: "documents", height: 240)
    }

    static func mixtures(_ report: RunReport) -> String {
        guard !report.mixtures.isEmpty else { return "<p class=\"muted\">(none)</p>" }
        func table(_ heading: String, target: [String: Double], realised: [String: Double]) -> String {
            let names = Set(target.keys).union(realised.keys).sorted()
            let rows = names.map { name in
                "<tr><td>\(HTML.escape(name))</td><td>\(String(format: "%.3f", target[name] ?? 0))</td>"
                    + "<td>\(String(format: "%.3f", realised[name] ?? 0))</td></tr>"
            }.joined()
            return "<table><tr><th>\(heading)</th><th>target share</th><th>realised share</th></tr>\(rows)</table>"
        }
        return report.mixtures.map { mixture in
            var html = "<h3>\(HTML.escape(mixture.phase)) (\(n(mixture.tokens)) train tokens)</h3>"
                + table("source", target: mixture.target, realised: mixture.realised)
            // Only phases with language weights have these (phase.json's share_by_language).
            if let target = mixture.languageTarget, let realised = mixture.languageRealised {
                html += table("language", target: target, realised: realised)
            }
            return html
        }.joined()
    }

    static func stages(_ report: RunReport) -> String {
        let total = report.stages.compactMap(\.usage?.wallSeconds).reduce(0, +)
        let rows = report.stages.map { stage -> String in
            guard let usage = stage.usage else {
                return "<tr><td>\(HTML.escape(stage.stage))</td><td>\(stage.tasksDone)/\(stage.tasksTotal)</td><td>-</td><td>-</td><td>-</td><td>-</td></tr>"
            }
            let share = total > 0 ? usage.wallSeconds / total : 0
            return "<tr><td>\(HTML.escape(stage.stage))</td><td>\(stage.tasksDone)/\(stage.tasksTotal)</td>"
                + "<td>\(String(format: "%.1f", usage.wallSeconds))</td>"
                + "<td style=\"text-align:left\"><span class=\"bar\" style=\"width:\(Int(200 * share))px\"></span> "
                + "\(String(format: "%.1f%%", 100 * share))</td><td>\(String(format: "%.1f", usage.cpuSeconds))</td>"
                + "<td>\(String(format: "%.1f", Double(usage.peakResidentBytes) / 1e6))</td></tr>"
        }.joined()
        return "<table><tr><th>stage</th><th>tasks</th><th>wall s</th><th>share of the run</th><th>CPU s</th><th>peak MB</th></tr>"
            + "\(rows)</table><p class=\"muted\">Total wall time \(String(format: "%.1f", total)) s (stages of the last run "
            + "of each; a skipped stage keeps its earlier figures).</p>"
    }
}
