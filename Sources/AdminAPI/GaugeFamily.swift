import Metrics
import NIOConcurrencyHelpers

/// Gauges of one name whose label sets come and go (a peer leaves, a
/// switch disconnects): a set no longer reported is set to 0 rather than
/// left at its last value.
public final class GaugeFamily: Sendable {
    public let label: String
    private let seen = NIOLockedValueBox<Set<[String: String]>>([])

    public init(label: String) { self.label = label }

    public func set(_ values: [[String: String]: Double]) {
        let gone = seen.withLockedValue { seen in
            let gone = seen.subtracting(values.keys)
            seen = Set(values.keys)
            return gone
        }
        for dimensions in gone { gauge(dimensions).record(0) }
        for (dimensions, value) in values { gauge(dimensions).record(value) }
    }

    private func gauge(_ dimensions: [String: String]) -> Gauge {
        Gauge(label: label, dimensions: dimensions.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }
}
