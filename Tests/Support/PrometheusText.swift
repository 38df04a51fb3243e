/// Reading the Prometheus text the daemons' admin API serves (`/metrics`).
public enum PrometheusText {
    /// The value of a sample `name{labels}` (labels as printed, sorted), or nil.
    public static func sample(_ page: String, _ name: String, _ labels: [String: String] = [:]) -> Double? {
        for line in page.split(separator: "\n") where line.hasPrefix(name) && !line.hasPrefix("#") {
            let text = String(line)
            guard let space = text.lastIndex(of: " ") else { continue }
            let key = String(text[..<space])
            let rest = key.dropFirst(name.count)
            guard rest.isEmpty || rest.hasPrefix("{") else { continue }
            let wanted = labels.allSatisfy { rest.contains("\($0.key)=\"\($0.value)\"") }
            if wanted { return Double(text[text.index(after: space)...]) }
        }
        return nil
    }
}
