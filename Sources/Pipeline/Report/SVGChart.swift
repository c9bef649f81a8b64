import Foundation

/// Inline SVG charts for the run report: no script, no external file, readable offline.
enum SVGChart {
    struct Series {
        var name: String
        var color: String
        var points: [(x: Double, y: Double)]
        var dashed = false
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]

    /// Lines over a shared x axis, with labelled vertical markers (phase boundaries).
    static func lines(_ series: [Series], markers: [(x: Double, label: String)] = [], xLabel: String, yLabel: String,
                      width: Double = 720, height: Double = 280) -> String {
        let all = series.flatMap(\.points)
        guard let xMin = all.map(\.x).min(), let xMax = all.map(\.x).max(),
              var yMin = all.map(\.y).min(), var yMax = all.map(\.y).max() else { return "<p>(no data)</p>" }
        if yMax == yMin { yMax += 1; yMin -= 1 }
        let pad = (yMax - yMin) * 0.05
        yMin -= pad; yMax += pad
        let left = 56.0, right = 12.0, top = 12.0, bottom = 40.0
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> Double { left + (xMax > xMin ? (x - xMin) / (xMax - xMin) : 0.5) * plotW }
        func py(_ y: Double) -> Double { top + (1 - (y - yMin) / (yMax - yMin)) * plotH }
        var svg = open(width: width, height: height)
        svg += axes(left: left, top: top, plotW: plotW, plotH: plotH)
        for tick in ticks(yMin, yMax) {
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(py(tick)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(tick)))\" class=\"grid\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(py(tick) + 4))\" text-anchor=\"end\">\(label(tick))</text>"
        }
        for tick in ticks(xMin, xMax) {
            svg += "<text x=\"\(f(px(tick)))\" y=\"\(f(top + plotH + 16))\" text-anchor=\"middle\">\(label(tick))</text>"
        }
        for marker in markers {
            let x = px(marker.x)
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotH))\" class=\"marker\"/>"
            svg += "<text x=\"\(f(x + 3))\" y=\"\(f(top + 10))\" class=\"small\">\(HTML.escape(marker.label))</text>"
        }
        for line in series where !line.points.isEmpty {
            let path = line.points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.5\""
                + (line.dashed ? " stroke-dasharray=\"5,3\"" : "") + "/>"
            if line.points.count == 1 {
                svg += "<circle cx=\"\(f(px(line.points[0].x)))\" cy=\"\(f(py(line.points[0].y)))\" r=\"3\" fill=\"\(line.color)\"/>"
            }
        }
        svg += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 6))\" text-anchor=\"middle\">\(HTML.escape(xLabel))</text>"
        svg += "<text transform=\"translate(12,\(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(HTML.escape(yLabel))</text>"
        svg += "</svg>" + legend(series.map { ($0.name, $0.color) })
        return svg
    }

    /// Vertical bars, one group per label, one bar per series in the group.
    static func bars(labels: [String], series: [(name: String, color: String, values: [Double])], yLabel: String,
                     logScale: Bool = false, width: Double = 720, height: Double = 260) -> String {
        let values = series.flatMap(\.values)
        guard !labels.isEmpty, let top = values.max(), top > 0 else { return "<p>(no data)</p>" }
        func scaled(_ v: Double) -> Double { logScale ? (v > 0 ? log10(v) + 1 : 0) : v }
        let yMax = scaled(top)
        let left = 56.0, right = 12.0, topPad = 12.0, bottom = 52.0
        let plotW = width - left - right, plotH = height - topPad - bottom
        let group = plotW / Double(labels.count)
        let barW = max(1, group * 0.8 / Double(series.count))
        var svg = open(width: width, height: height)
        svg += axes(left: left, top: topPad, plotW: plotW, plotH: plotH)
        for (index, name) in labels.enumerated() {
            for (s, entry) in series.enumerated() where index < entry.values.count {
                let h = scaled(entry.values[index]) / yMax * plotH
                let x = left + Double(index) * group + group * 0.1 + Double(s) * barW
                svg += "<rect x=\"\(f(x))\" y=\"\(f(topPad + plotH - h))\" width=\"\(f(barW))\" height=\"\(f(h))\" fill=\"\(entry.color)\">"
                    + "<title>\(HTML.escape(entry.name)) \(HTML.escape(name)): \(label(entry.values[index]))</title></rect>"
            }
            if labels.count <= 40 || index % max(1, labels.count / 20) == 0 {
                svg += "<text x=\"\(f(left + Double(index) * group + group / 2))\" y=\"\(f(topPad + plotH + 14))\" "
                    + "text-anchor=\"middle\" class=\"small\">\(HTML.escape(name))</text>"
            }
        }
        svg += "<text x=\"\(f(left - 6))\" y=\"\(f(topPad + 8))\" text-anchor=\"end\" class=\"small\">\(label(top))</text>"
        svg += "<text transform=\"translate(12,\(f(topPad + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">"
            + "\(HTML.escape(yLabel + (logScale ? " (log)" : "")))</text>"
        svg += "</svg>"
        if series.count > 1 { svg += legend(series.map { ($0.name, $0.color) }) }
        return svg
    }

    private static func open(width: Double, height: Double) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" viewBox=\"0 0 \(f(width)) \(f(height))\">"
    }

    private static func axes(left: Double, top: Double, plotW: Double, plotH: Double) -> String {
        "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" class=\"frame\"/>"
    }

    private static func legend(_ entries: [(String, String)]) -> String {
        "<div class=\"legend\">" + entries.map { name, color in
            "<span><i style=\"background:\(color)\"></i>\(HTML.escape(name))</span>"
        }.joined() + "</div>"
    }

    /// About five round ticks across [low, high].
    static func ticks(_ low: Double, _ high: Double) -> [Double] {
        guard high > low else { return [low] }
        let raw = (high - low) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var ticks: [Double] = []
        var tick = ceil(low / step) * step
        while tick <= high + step * 1e-9 {
            ticks.append(tick)
            tick += step
        }
        return ticks
    }

    static func label(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1e6 { return String(format: "%.1fM", value / 1e6) }
        if magnitude >= 1e4 { return String(format: "%.0fk", value / 1e3) }
        if magnitude >= 100 || value == value.rounded() { return String(format: "%.0f", value) }
        if magnitude >= 1 { return String(format: "%.2f", value) }
        return String(format: "%.2g", value)
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}

enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default:
                // Control characters (a generation may hold any byte) are shown as their Unicode pictures
                // (U+2400 + code): XML forbids them, and a browser would show nothing.
                if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1,
                   scalar.value < 0x20 && scalar != "\n" && scalar != "\t" || scalar.value == 0x7F || scalar.value == 0xFFFE {
                    out.unicodeScalars.append(Unicode.Scalar(scalar.value == 0x7F ? 0x2421 : scalar.value == 0xFFFE ? 0xFFFD : 0x2400 + scalar.value)!)
                } else {
                    out.append(character)
                }
            }
        }
        return out
    }
}
