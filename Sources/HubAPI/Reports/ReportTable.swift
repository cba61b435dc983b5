import Foundation

/// A report's tables, written as CSV (RFC 4180) or as a printable HTML page with SVG charts.
struct ReportTable: Sendable {
    var title: String
    var columns: [String]
    var rows: [[String]]
}

enum ReportFormat: String, CaseIterable {
    case json, csv, html
}

enum ReportText {
    /// CSV: CRLF line ends, a field quoted when it holds a comma, quote or line break (quotes doubled). Several
    /// tables follow one another, each after a line naming it, separated by an empty line.
    static func csv(_ tables: [ReportTable]) -> String {
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        return tables.map { table in
            ([[table.title]] + [table.columns] + table.rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
        }.joined(separator: "\r\n")
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A printable page: a heading, a line of context, then each chart and table in order.
    static func html(title: String, subtitle: String, sections: [(heading: String, chart: String?, table: ReportTable?)]) -> String {
        var body = ""
        for section in sections {
            body += "<section><h2>\(escape(section.heading))</h2>"
            if let chart = section.chart { body += "<figure>\(chart)</figure>" }
            if let table = section.table {
                body += "<table><thead><tr>" + table.columns.map { "<th scope=\"col\">\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
                body += table.rows.map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }.joined()
                body += "</tbody></table>"
            }
            body += "</section>"
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>
            body { font: 14px/1.45 system-ui, sans-serif; color: #1b1f24; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
            h1 { font-size: 1.5rem; margin-bottom: 0.2rem; } h2 { font-size: 1.1rem; margin-top: 2rem; border-bottom: 1px solid #ccd; }
            p.subtitle { color: #4a5563; margin-top: 0; } figure { margin: 0.5rem 0; }
            table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
            th, td { text-align: left; padding: 0.25rem 0.5rem; border-bottom: 1px solid #e3e6ea; }
            svg text { font: 11px system-ui, sans-serif; fill: #1b1f24; }
            @media print { body { margin: 0; max-width: none; } section { break-inside: avoid; } }
            </style></head>
            <body><h1>\(escape(title))</h1><p class="subtitle">\(escape(subtitle))</p>\(body)</body></html>
            """
    }

    /// A line chart of `points` (x in 0…1 of the period, y a value) with its y range, axis labels and a title for
    /// screen readers.
    static func lineChart(title: String, points: [(x: Double, y: Double)], yRange: ClosedRange<Double>, yLabel: String,
                          start: String, end: String, bands: [(ClosedRange<Double>, String)] = []) -> String {
        let (width, height, left, bottom) = (640.0, 200.0, 40.0, 24.0)
        func px(_ x: Double) -> Double { left + x * (width - left - 10) }
        func py(_ y: Double) -> Double { (height - bottom) - (y - yRange.lowerBound) / max(yRange.upperBound - yRange.lowerBound, 1e-9) * (height - bottom - 10) }
        var svg = "<svg role=\"img\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" aria-label=\"\(escape(title))\"><title>\(escape(title))</title>"
        for (band, colour) in bands {
            let top = py(min(band.upperBound, yRange.upperBound)), bottomY = py(max(band.lowerBound, yRange.lowerBound))
            svg += "<rect x=\"\(fmt(px(0)))\" y=\"\(fmt(top))\" width=\"\(fmt(px(1) - px(0)))\" height=\"\(fmt(max(0, bottomY - top)))\" fill=\"\(colour)\"/>"
        }
        svg += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(height - bottom))\" x2=\"\(fmt(width - 10))\" y2=\"\(fmt(height - bottom))\" stroke=\"#667\"/>"
        svg += "<line x1=\"\(fmt(left))\" y1=\"10\" x2=\"\(fmt(left))\" y2=\"\(fmt(height - bottom))\" stroke=\"#667\"/>"
        for tick in [yRange.lowerBound, (yRange.lowerBound + yRange.upperBound) / 2, yRange.upperBound] {
            svg += "<text x=\"\(fmt(left - 4))\" y=\"\(fmt(py(tick) + 4))\" text-anchor=\"end\">\(fmt(tick))</text>"
        }
        svg += "<text x=\"\(fmt(left))\" y=\"\(fmt(height - 6))\">\(escape(start))</text>"
        svg += "<text x=\"\(fmt(width - 10))\" y=\"\(fmt(height - 6))\" text-anchor=\"end\">\(escape(end))</text>"
        svg += "<text x=\"\(fmt(left + 4))\" y=\"14\">\(escape(yLabel))</text>"
        if !points.isEmpty {
            svg += "<polyline fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"2\" points=\"" + points.map { "\(fmt(px($0.x))),\(fmt(py($0.y)))" }.joined(separator: " ") + "\"/>"
            svg += points.map { "<circle cx=\"\(fmt(px($0.x)))\" cy=\"\(fmt(py($0.y)))\" r=\"2.5\" fill=\"#1f5fbf\"/>" }.joined()
        }
        return svg + "</svg>"
    }

    /// Horizontal bars, one per label, of values in 0…`maximum`, each with its value written beside it.
    static func barChart(title: String, bars: [(label: String, value: Double, text: String)], maximum: Double) -> String {
        let rowHeight = 22.0, labelWidth = 180.0, width = 640.0
        let height = max(rowHeight * Double(bars.count) + 10, 30)
        var svg = "<svg role=\"img\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"100%\" aria-label=\"\(escape(title))\"><title>\(escape(title))</title>"
        for (index, bar) in bars.enumerated() {
            let y = 5 + Double(index) * rowHeight
            let length = max(0, min(1, bar.value / max(maximum, 1e-9))) * (width - labelWidth - 80)
            svg += "<text x=\"\(fmt(labelWidth - 6))\" y=\"\(fmt(y + 14))\" text-anchor=\"end\">\(escape(bar.label))</text>"
            svg += "<rect x=\"\(fmt(labelWidth))\" y=\"\(fmt(y + 3))\" width=\"\(fmt(length))\" height=\"\(fmt(rowHeight - 8))\" fill=\"#1f5fbf\"/>"
            svg += "<text x=\"\(fmt(labelWidth + length + 6))\" y=\"\(fmt(y + 14))\">\(escape(bar.text))</text>"
        }
        return svg + "</svg>"
    }

    /// A number for SVG and tables: at most two decimals, no trailing zeros.
    static func fmt(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.2f", rounded).replacingOccurrences(of: #"0+$"#, with: "", options: .regularExpression)
    }

    static func percent(_ share: Double?) -> String { share.map { fmt($0 * 100) + " %" } ?? "" }
    static func number(_ value: Double?) -> String { value.map(fmt) ?? "" }
    static func duration(_ seconds: Double?) -> String {
        guard let seconds else { return "" }
        return seconds < 120 ? "\(fmt(seconds)) s" : seconds < 7200 ? "\(fmt(seconds / 60)) min" : "\(fmt(seconds / 3600)) h"
    }
}
