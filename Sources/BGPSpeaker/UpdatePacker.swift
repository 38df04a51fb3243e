import BGP

/// Splits NLRI sharing attributes into as few UPDATEs as the message size
/// allows (RFC 4271 §4.3: many NLRI share one attribute set). Greedy on
/// each NLRI's wire length, so a large table costs one pass, not a search.
enum UpdatePacker {
    static func pack(_ nlri: [NLRI], options: SessionOptions, _ make: ([NLRI]) -> Update) -> [Update] {
        guard !nlri.isEmpty else { return [] }
        let base = BGPMessage.update(make([])).encodedLength(options: options)
        let budget = options.maximumMessageLength - base
        var out: [Update] = []
        var chunk: [NLRI] = []
        var used = 0
        for n in nlri {
            let l = length(of: n)
            if !chunk.isEmpty && used + l > budget {
                out += checked(chunk, options: options, make)
                chunk.removeAll(keepingCapacity: true)
                used = 0
            }
            chunk.append(n)
            used += l
        }
        out += checked(chunk, options: options, make)
        return out
    }

    /// The chunk as one UPDATE, halved should the estimate ever fall short.
    /// A single NLRI over the maximum is never sent: callers leave such
    /// routes out first (`RIB.pendingUpdates`), this only keeps the promise.
    private static func checked(_ nlri: [NLRI], options: SessionOptions, _ make: ([NLRI]) -> Update) -> [Update] {
        let u = make(nlri)
        if BGPMessage.update(u).encodedLength(options: options) <= options.maximumMessageLength { return [u] }
        if nlri.count <= 1 { return [] }
        let half = nlri.count / 2
        return checked(Array(nlri[..<half]), options: options, make) + checked(Array(nlri[half...]), options: options, make)
    }

    /// Octets one NLRI takes on the wire (RFC 4271 §4.3, RFC 7432 §7, RFC 9136 §3.1).
    static func length(of n: NLRI) -> Int {
        let pathID = n.pathID == nil ? 0 : 4
        switch n.route {
        case .ipv4(let p): return pathID + 1 + (Int(p.length) + 7) / 8
        case .ipv6(let p): return pathID + 1 + (Int(p.length) + 7) / 8
        case .opaque(let bytes): return pathID + bytes.count
        case .routeTargetMembership(let m): return pathID + 1 + (Int(m.length) + 7) / 8
        case .evpn(let r):
            func ipLength(_ a: IPAddress) -> Int { a.bitLength == 32 ? 4 : 16 }
            let value = switch r {
            case .ethernetAutoDiscovery: 25
            case .macIPAdvertisement(let m): 33 + (m.ip.map(ipLength) ?? 0) + (m.label2 == nil ? 0 : 3)
            case .inclusiveMulticastEthernetTag(let m): 13 + ipLength(m.originatingRouter)
            case .ethernetSegment(let e): 19 + ipLength(e.originatingRouter)
            case .ipPrefix(let p): 26 + ipLength(p.prefix) + ipLength(p.gateway)
            case .unknown(_, let v): v.count
            }
            return pathID + 2 + value
        }
    }
}
