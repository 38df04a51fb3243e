import NIOCore

/// An optional parameter of an OPEN (RFC 4271 §4.2): capabilities (type 2,
/// RFC 5492) or another kind kept as its bytes.
public enum OptionalParameter: Hashable, Sendable {
    case capabilities([Capability])
    case unknown(type: UInt8, value: [UInt8])
}

/// OPEN (RFC 4271 §4.2).
public struct Open: Hashable, Sendable {
    public var version: UInt8
    /// 2 octets: AS_TRANS (23456) when the real AS needs 4 (RFC 6793).
    public var myAS: UInt16
    public var holdTime: UInt16
    public var bgpIdentifier: IPv4Address
    public var parameters: [OptionalParameter]
    /// Written in the RFC 9072 extended form (2-octet lengths). Chosen
    /// automatically when the parameters need more than 255 octets.
    public var extendedParameters: Bool

    public init(version: UInt8 = 4, myAS: UInt16, holdTime: UInt16, bgpIdentifier: IPv4Address,
                parameters: [OptionalParameter], extendedParameters: Bool = false) {
        self.version = version; self.myAS = myAS; self.holdTime = holdTime
        self.bgpIdentifier = bgpIdentifier; self.parameters = parameters; self.extendedParameters = extendedParameters
    }

    /// An OPEN for `asn` with these capabilities in one parameter; the
    /// 4-octet AS capability is added when missing.
    public init(asn: UInt32, holdTime: UInt16, bgpIdentifier: IPv4Address, capabilities: [Capability]) {
        var caps = capabilities
        if !caps.contains(where: { $0.code == 65 }) { caps.append(.fourOctetAS(asn)) }
        self.init(myAS: asn > 0xffff ? 23456 : UInt16(asn), holdTime: holdTime, bgpIdentifier: bgpIdentifier,
                  parameters: [.capabilities(caps)])
    }

    /// Every capability, across parameters.
    public var capabilities: [Capability] {
        parameters.flatMap { p -> [Capability] in
            if case .capabilities(let c) = p { return c }
            return []
        }
    }

    /// The speaker's AS: from the 4-octet AS capability, else `myAS`.
    public var asn: UInt32 {
        for c in capabilities { if case .fourOctetAS(let a) = c { return a } }
        return UInt32(myAS)
    }

    static func decode(_ r: inout WireReader) throws(BGPDecodingError) -> Open {
        r.notification = Notification(.messageHeader(.badMessageLength))
        let version = try r.u8("version")
        let myAS = try r.u16("my AS")
        let hold = try r.u16("hold time")
        let id = try r.ipv4()
        let paramError = Notification(.openMessage(.unspecific))
        let lengthAt = r.offset
        var total = Int(try r.u8("optional parameters length"))
        r.notification = paramError
        var extended = false
        // RFC 9072: a non-zero length with a first parameter type of 255
        // means the extended form with a 2-octet total length follows.
        if total != 0, r.buffer.getInteger(at: r.buffer.readerIndex, as: UInt8.self) == 255 {
            _ = try r.u8("extended parameters marker")
            total = Int(try r.u16("extended optional parameters length"))
            extended = true
        }
        guard total == r.remaining else {
            throw BGPDecodingError("optional parameters length \(total) with \(r.remaining) bytes left", offset: lengthAt, notification: paramError)
        }
        var params: [OptionalParameter] = []
        while !r.isEmpty {
            let type = try r.u8("parameter type")
            let length = extended ? Int(try r.u16("parameter length")) : Int(try r.u8("parameter length"))
            var v = try r.sub(length, "parameter")
            if type == 2 {
                var caps: [Capability] = []
                while !v.isEmpty {
                    let code = try v.u8("capability code")
                    let cl = Int(try v.u8("capability length"))
                    var cv = try v.sub(cl, "capability \(code)")
                    caps.append(try Capability.decode(code: code, &cv))
                }
                params.append(.capabilities(caps))
            } else {
                params.append(.unknown(type: type, value: v.rest()))
            }
        }
        return Open(version: version, myAS: myAS, holdTime: hold, bgpIdentifier: id, parameters: params, extendedParameters: extended)
    }

    func encode(into b: inout ByteBuffer) {
        b.writeInteger(version)
        b.writeInteger(myAS)
        b.writeInteger(holdTime)
        b.write(bgpIdentifier)
        var body = ByteBufferAllocator().buffer(capacity: 64)
        var extended = extendedParameters
        func write(_ extended: Bool) {
            body.clear()
            for p in parameters {
                let (type, value): (UInt8, [UInt8]) = switch p {
                case .capabilities(let caps):
                    (2, {
                        var c = ByteBufferAllocator().buffer(capacity: 32)
                        for cap in caps { cap.encode(into: &c) }
                        return c.readBytes(length: c.readableBytes) ?? []
                    }())
                case .unknown(let t, let v): (t, v)
                }
                body.writeInteger(type)
                if extended { body.writeInteger(UInt16(truncatingIfNeeded: value.count)) } else { body.writeInteger(UInt8(truncatingIfNeeded: value.count)) }
                body.writeBytes(value)
            }
        }
        write(extended)
        if !extended && body.readableBytes > 255 {
            extended = true
            write(true)
        }
        if extended {
            b.writeInteger(UInt8(255)); b.writeInteger(UInt8(255)); b.writeInteger(UInt16(truncatingIfNeeded: body.readableBytes))
        } else {
            b.writeInteger(UInt8(body.readableBytes))
        }
        b.writeBuffer(&body)
    }
}

/// ROUTE-REFRESH (RFC 2918; subtypes of RFC 7313).
public struct RouteRefresh: Hashable, Sendable {
    public struct Subtype: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let normal = Subtype(rawValue: 0)
        public static let beginningOfRouteRefresh = Subtype(rawValue: 1)
        public static let endOfRouteRefresh = Subtype(rawValue: 2)
    }
    public var family: AddressFamily
    public var subtype: Subtype
    public init(family: AddressFamily, subtype: Subtype = .normal) { self.family = family; self.subtype = subtype }
}
