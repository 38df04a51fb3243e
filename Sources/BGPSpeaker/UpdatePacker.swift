import BGP

/// Splits NLRI sharing attributes into as few UPDATEs as the message size
/// allows (RFC 4271 §4.3: many NLRI share one attribute set). Greedy on
/// each NLRI's wire length, so a large table costs one pass, not a search.
enum UpdatePacker {
    static func pack(_ nlri: [NLRI], options: SessionOptions, _ make: ([NLRI]) -> Update) -> [Update] {
        guard !nlri.isEmpty else { return [] }
        let base = BGPMessage.update(make([])).encodedLength(options: options)
        return chunks(nlri.map(\.wireLength), base: base, maximum: options.maximumMessageLength) { r in
            BGPMessage.update(make(Array(nlri[r]))).encodedLength(options: options)
        }.map { make(Array(nlri[$0])) }
    }

    /// The runs of NLRI (given by their wire lengths) that go in one UPDATE
    /// each: greedy up to `maximum` over the `base` length of an UPDATE
    /// without NLRI, each run halved should its `exactLength` ever exceed
    /// the maximum. A single NLRI over the maximum is never sent: callers
    /// leave such routes out first (`RIB.pendingUpdates`), this only keeps
    /// the promise.
    static func chunks(_ lengths: [Int], base: Int, maximum: Int, exactLength: (Range<Int>) -> Int) -> [Range<Int>] {
        guard !lengths.isEmpty else { return [] }
        let budget = maximum - base
        var out: [Range<Int>] = []
        func checked(_ r: Range<Int>) {
            if exactLength(r) <= maximum { out.append(r); return }
            if r.count <= 1 { return }
            let half = r.lowerBound + r.count / 2
            checked(r.lowerBound..<half)
            checked(half..<r.upperBound)
        }
        var start = 0
        var used = 0
        for (k, l) in lengths.enumerated() {
            if k > start && used + l > budget {
                checked(start..<k)
                start = k
                used = 0
            }
            used += l
        }
        checked(start..<lengths.count)
        return out
    }

    /// Octets one NLRI takes on the wire.
    static func length(of n: NLRI) -> Int { n.wireLength }
}
