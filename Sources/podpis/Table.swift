/// Plain text tables for the terminal: one place, so every command looks alike.
struct Table {
    let headers: [String]
    var rows: [[String]] = []
    /// Lines printed under a row (by its index), indented, outside the columns.
    var notes: [Int: [String]] = [:]

    init(_ headers: String...) { self.headers = headers }

    mutating func add(_ cells: String...) { rows.append(cells) }

    /// A line under the last row added, such as one place of a certificate.
    mutating func note(_ text: String) {
        guard !rows.isEmpty else { return }
        notes[rows.count - 1, default: []].append("    " + text)
    }

    func render() -> String {
        let all = [headers] + rows
        let widths = headers.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }
        let body = rows.enumerated().flatMap { index, row in [line(row)] + (notes[index] ?? []) }
        return ([line(headers), line(widths.map { String(repeating: "-", count: $0) })] + body).joined(separator: "\n")
    }
}
