import Packets

/// An IP address in a tenant, as the ARP and ND responders answer for it.
struct AddressClaim: Hashable, Sendable {
    var vni: VNI
    var ip: IPAddress
}

/// Who claims each (VNI, IP): an index of the endpoints that hold an
/// address, for the responders (where two endpoints claim one IP, the
/// rank `Pipeline` gives decides which one OVS answers for).
///
/// Nearly every IPv4 address has one claimant, and a claimant is in the
/// claim's tenant, so such a claim is packed into 16 bytes: the VNI and the
/// address in one word, the claimant's MAC in the other (at 100,000
/// endpoints, 4 MB instead of 15). IPv6 claims and claims with several
/// claimants are kept as they are.
struct AddressClaims: Sendable {
    /// IPv4 claims with one claimant: (VNI << 32 | address) -> its MAC.
    private var soleIPv4: [UInt64: EthernetAddress] = [:]
    /// Every other claim: IPv6 ones, and IPv4 ones with several claimants.
    private var others: [AddressClaim: Set<EndpointKey>] = [:]

    private static func packed(_ vni: VNI, _ ip: IPv4Address) -> UInt64 {
        UInt64(vni.rawValue) << 32 | UInt64(ip.rawValue)
    }

    /// Whether any endpoint claims `claim` (no array built).
    func isClaimed(_ claim: AddressClaim) -> Bool {
        if case let .v4(ip) = claim.ip, soleIPv4[Self.packed(claim.vni, ip)] != nil { return true }
        return others[claim] != nil
    }

    /// The endpoints that claim `claim` (in no order).
    func claimants(of claim: AddressClaim) -> [EndpointKey] {
        if case let .v4(ip) = claim.ip, let mac = soleIPv4[Self.packed(claim.vni, ip)] {
            return [EndpointKey(vni: claim.vni, mac: mac)]
        }
        return others[claim].map(Array.init) ?? []
    }

    mutating func add(_ key: EndpointKey, to claim: AddressClaim) {
        guard case let .v4(ip) = claim.ip else {
            others[claim, default: []].insert(key)
            return
        }
        let packed = Self.packed(claim.vni, ip)
        if others[claim] != nil {
            others[claim]?.insert(key)
        } else if let sole = soleIPv4[packed] {
            guard sole != key.mac else { return }
            soleIPv4[packed] = nil
            others[claim] = [EndpointKey(vni: claim.vni, mac: sole), key]
        } else {
            soleIPv4[packed] = key.mac
        }
    }

    mutating func remove(_ key: EndpointKey, from claim: AddressClaim) {
        guard case let .v4(ip) = claim.ip else {
            others[claim]?.remove(key)
            if others[claim]?.isEmpty == true { others[claim] = nil }
            return
        }
        let packed = Self.packed(claim.vni, ip)
        if soleIPv4[packed] == key.mac {
            soleIPv4[packed] = nil
        } else if var keys = others[claim] {
            keys.remove(key)
            others[claim] = nil
            if keys.count == 1, let last = keys.first {
                soleIPv4[packed] = last.mac
            } else if !keys.isEmpty {
                others[claim] = keys
            }
        }
    }
}
