import BGP

/// Splits NLRI sharing attributes into as few UPDATEs as the message size
/// allows (RFC 4271 §4.3: many NLRI share one attribute set).
enum UpdatePacker {
    static func pack(_ nlri: [NLRI], options: SessionOptions, _ make: ([NLRI]) -> Update) -> [Update] {
        guard !nlri.isEmpty else { return [] }
        let u = make(nlri)
        if nlri.count == 1 || BGPMessage.update(u).encodedLength(options: options) <= options.maximumMessageLength { return [u] }
        let half = nlri.count / 2
        return pack(Array(nlri[..<half]), options: options, make) + pack(Array(nlri[half...]), options: options, make)
    }
}
