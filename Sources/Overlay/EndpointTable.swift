import Interning
import Packets

/// A bridge's endpoints by key, kept compactly: at 100,000 remote endpoints
/// the bridge's state is most of an agent's memory. Each endpoint is a
/// 12-byte record under its key (16 bytes): where it lives (a port, or a
/// VTEP as a number into a table that holds each VTEP once) and its IPv4
/// address when it has exactly one and no IPv6 one, as most have. The few
/// others keep their address lists beside the table. An `Endpoint` is made
/// when it is read.
public struct EndpointTable: Sendable {
    /// Where an endpoint lives and its one IPv4 address, in 12 bytes.
    private struct Record: Sendable, Hashable {
        /// The port (local) or the VTEP's number (remote).
        var location: UInt32
        var ipv4: UInt32
        var flags: UInt8

        static let remote: UInt8 = 1 << 0
        /// `ipv4` is its one address (no IPv6 ones).
        static let oneIPv4: UInt8 = 1 << 1
        /// Its addresses are in `addresses` (more than one IPv4, or IPv6).
        static let listed: UInt8 = 1 << 2
    }

    private var records: [EndpointKey: Record] = [:]
    private var addresses: [EndpointKey: (ipv4: [IPv4Address], ipv6: [IPv6Address])] = [:]
    private var vteps = InternTable<VTEP>()

    public init() {}

    public var count: Int { records.count }
    public var isEmpty: Bool { records.isEmpty }

    public subscript(key: EndpointKey) -> Endpoint? {
        get { records[key].map { endpoint(key, $0) } }
        set {
            if let old = records.removeValue(forKey: key) {
                if old.flags & Record.remote != 0 { vteps.release(old.location) }
                if old.flags & Record.listed != 0 { addresses[key] = nil }
            }
            guard let endpoint = newValue else { return }
            var record = Record(location: 0, ipv4: 0, flags: 0)
            switch endpoint.location {
            case let .local(port):
                record.location = port
            case let .remote(vtep):
                record.location = vteps.intern(vtep)
                record.flags |= Record.remote
            }
            if endpoint.ipv4.count == 1, endpoint.ipv6.isEmpty {
                record.ipv4 = endpoint.ipv4[0].rawValue
                record.flags |= Record.oneIPv4
            } else if !endpoint.ipv4.isEmpty || !endpoint.ipv6.isEmpty {
                addresses[key] = (endpoint.ipv4, endpoint.ipv6)
                record.flags |= Record.listed
            }
            records[key] = record
        }
    }

    public var keys: some Collection<EndpointKey> { records.keys }

    /// Every endpoint, in no particular order.
    public var values: some Sequence<Endpoint> {
        records.lazy.map { endpoint($0.key, $0.value) }
    }

    private func endpoint(_ key: EndpointKey, _ record: Record) -> Endpoint {
        let location: EndpointLocation = record.flags & Record.remote != 0
            ? .remote(vtep: vteps[record.location]) : .local(port: record.location)
        if record.flags & Record.oneIPv4 != 0 {
            return Endpoint(vni: key.vni, mac: key.mac, ipv4: [IPv4Address(rawValue: record.ipv4)], location: location)
        }
        if record.flags & Record.listed != 0, let listed = addresses[key] {
            return Endpoint(vni: key.vni, mac: key.mac, ipv4: listed.ipv4, ipv6: listed.ipv6, location: location)
        }
        return Endpoint(vni: key.vni, mac: key.mac, location: location)
    }
}

extension EndpointTable: Hashable {
    /// Equal when they hold the same endpoints (VTEP numbers may differ).
    public static func == (lhs: EndpointTable, rhs: EndpointTable) -> Bool {
        lhs.count == rhs.count && lhs.records.keys.allSatisfy { lhs[$0] == rhs[$0] }
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, as a dictionary's.
        var combined = 0
        for endpoint in values { combined ^= endpoint.hashValue }
        hasher.combine(count)
        hasher.combine(combined)
    }
}
