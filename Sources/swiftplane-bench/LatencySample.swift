/// A bounded uniform sample of latencies (reservoir sampling): memory stays
/// fixed however many responses a run gets, and percentiles stay unbiased.
struct LatencySample: Sendable {
    static let capacity = 100_000
    private(set) var values: [UInt64] = []
    private(set) var seen = 0

    mutating func record(_ nanoseconds: UInt64, random: inout SplitMix64) {
        seen &+= 1
        if values.count < Self.capacity {
            values.append(nanoseconds)
        } else {
            let slot = Int(random.next() % UInt64(seen))
            if slot < Self.capacity { values[slot] = nanoseconds }
        }
    }

    /// Merges samples of several switches, keeping each one's weight.
    static func percentiles(_ samples: [LatencySample], _ quantiles: [Double]) -> [Double] {
        var weighted: [(value: UInt64, weight: Double)] = []
        for sample in samples where !sample.values.isEmpty {
            let weight = Double(sample.seen) / Double(sample.values.count)
            weighted += sample.values.map { ($0, weight) }
        }
        guard !weighted.isEmpty else { return quantiles.map { _ in 0 } }
        weighted.sort { $0.value < $1.value }
        let total = weighted.reduce(0) { $0 + $1.weight }
        return quantiles.map { q in
            var running = 0.0
            for entry in weighted {
                running += entry.weight
                if running >= q * total { return Double(entry.value) }
            }
            return Double(weighted[weighted.count - 1].value)
        }
    }
}
