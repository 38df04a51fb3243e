import NIOCore

/// UPDATE (RFC 4271 §4.3). IPv4 unicast routes ride in the classic fields;
/// every other family in MP_REACH_NLRI / MP_UNREACH_NLRI among the attributes.
public struct Update: Hashable, Sendable {
    public var withdrawnRoutes: [NLRI]
    public var attributes: PathAttributes
    public var nlri: [NLRI]

    public init(withdrawnRoutes: [NLRI] = [], attributes: PathAttributes = PathAttributes(), nlri: [NLRI] = []) {
        self.withdrawnRoutes = withdrawnRoutes
        self.attributes = attributes
        self.nlri = nlri
    }

    /// Every NLRI announced, in either place.
    public var announced: [NLRI] { nlri + (attributes.mpReachNLRI?.nlri ?? []) }
    /// Every NLRI withdrawn, in either place.
    public var withdrawn: [NLRI] { withdrawnRoutes + (attributes.mpUnreachNLRI?.nlri ?? []) }

    /// End-of-RIB marker (RFC 4724 §2): the family it closes, if it is one.
    public var endOfRIB: AddressFamily? {
        if withdrawnRoutes.isEmpty && nlri.isEmpty && attributes.attributes.isEmpty { return .ipv4Unicast }
        if withdrawnRoutes.isEmpty, nlri.isEmpty, attributes.attributes.count == 1,
           let u = attributes.mpUnreachNLRI, u.nlri.isEmpty { return u.family }
        return nil
    }

    public static func endOfRIB(_ family: AddressFamily) -> Update {
        family == .ipv4Unicast ? Update()
            : Update(attributes: PathAttributes([PathAttribute(.mpUnreachNLRI(MPUnreachNLRI(family: family, nlri: [])))]))
    }

    func encode(into b: inout ByteBuffer, options: SessionOptions) {
        b.writeLengthPrefixed(as: UInt16.self) { b in for n in withdrawnRoutes { n.encode(into: &b) } }
        b.writeLengthPrefixed(as: UInt16.self) { b in for a in attributes.attributes { a.encode(into: &b, options: options) } }
        for n in nlri { n.encode(into: &b) }
    }
}

/// What an UPDATE means after RFC 7606 error handling.
public enum UpdateDecodingResult: Hashable, Sendable {
    /// Well formed.
    case update(Update)
    /// Usable once the malformed attributes listed are left out (they are
    /// already absent from the update).
    case attributeDiscard(Update, errors: [BGPDecodingError])
    /// Every route named must be withdrawn (RFC 7606 §2 "treat-as-withdraw"):
    /// the withdrawn and announced NLRI of both kinds that could be read.
    case treatAsWithdraw(withdrawn: [NLRI], errors: [BGPDecodingError])
    /// The session must be closed with `error.notification`.
    case sessionReset(BGPDecodingError)
}

extension Update {
    /// Decodes an UPDATE message body and classifies any error by RFC 7606.
    /// `body` holds what follows the 19-octet header; offsets in errors count
    /// from the start of the message.
    public static func decode(body: ByteBuffer, options: SessionOptions = SessionOptions()) -> UpdateDecodingResult {
        var r = WireReader(body, base: 19, notification: Notification(.updateMessage(.malformedAttributeList)))
        return decode(&r, options: options)
    }

    static func decode(_ r: inout WireReader, options: SessionOptions) -> UpdateDecodingResult {
        let malformedList = Notification(.updateMessage(.malformedAttributeList))
        let invalidNetwork = Notification(.updateMessage(.invalidNetworkField))
        let ipv4AddPath = options.addPath.contains(.ipv4Unicast)
        var withdrawn: [NLRI] = []
        var attributesReader: WireReader
        do {
            r.notification = malformedList
            let withdrawnLength = Int(try r.u16("withdrawn routes length"))
            var w = try r.sub(withdrawnLength, "withdrawn routes")
            let attributesLength = Int(try r.u16("total path attribute length"))
            attributesReader = try r.sub(attributesLength, "path attributes")
            w.notification = invalidNetwork
            withdrawn = try NLRI.decodeList(&w, family: .ipv4Unicast, addPath: ipv4AddPath)
        } catch {
            return .sessionReset(error)
        }

        var attributes: [PathAttribute] = []
        var seen = TypeCodeSet()
        var withdrawErrors: [BGPDecodingError] = []
        var discardErrors: [BGPDecodingError] = []
        typealias C = AttributeTypeCode

        var a = attributesReader
        while !a.isEmpty {
            let start = a.offset
            let headerStart = a.buffer.readerIndex
            // RFC 7606 §4: an attribute header or length that overruns the
            // attribute field makes the rest unreadable: treat-as-withdraw.
            guard a.remaining >= 3, let flagsRaw = a.buffer.getInteger(at: headerStart, as: UInt8.self),
                  let code = a.buffer.getInteger(at: headerStart + 1, as: UInt8.self) else {
                withdrawErrors.append(BGPDecodingError("attribute header truncated", offset: start, notification: malformedList))
                break
            }
            let flags = AttributeFlags(rawValue: flagsRaw)
            let headerLength = flags.contains(.extendedLength) ? 4 : 3
            let length: Int
            if flags.contains(.extendedLength) {
                guard let l = a.buffer.getInteger(at: headerStart + 2, as: UInt16.self), a.remaining >= 4 else {
                    withdrawErrors.append(BGPDecodingError("attribute header truncated", offset: start, notification: malformedList))
                    break
                }
                length = Int(l)
            } else {
                length = Int(a.buffer.getInteger(at: headerStart + 2, as: UInt8.self) ?? 0)
            }
            guard headerLength + length <= a.remaining else {
                let e = BGPDecodingError("attribute \(code) of length \(length) overruns the attribute field (\(a.remaining - headerLength) left)",
                                         offset: start, notification: Notification(.updateMessage(.attributeLengthError)))
                // MP_REACH/MP_UNREACH cut short: their NLRI are lost, so the
                // session cannot go on safely (RFC 7606 §5.3).
                if code == C.mpReachNLRI || code == C.mpUnreachNLRI { return .sessionReset(e) }
                withdrawErrors.append(e)
                break
            }
            // The whole attribute, for an error's data: copied only when one is reported.
            let wholeBuffer = a.buffer
            func whole() -> [UInt8] { wholeBuffer.getBytes(at: headerStart, length: headerLength + length) ?? [] }
            a.buffer.moveReaderIndex(forwardBy: headerLength)
            let valueStart = a.offset
            guard var v = try? a.sub(length, "attribute") else { break }

            // RFC 7606 §3 g: a repeated MP_REACH/MP_UNREACH resets; any other
            // repeat is dropped, first one kept.
            if seen.contains(code) {
                let e = BGPDecodingError("attribute \(code) repeated", offset: start, notification: malformedList)
                if code == C.mpReachNLRI || code == C.mpUnreachNLRI { return .sessionReset(e) }
                discardErrors.append(e)
                continue
            }
            seen.insert(code)

            guard let expected = PathAttribute.expectedFlags(code) else {
                // Unknown: a well-known one cannot be passed on (RFC 4271 §6.3).
                if !flags.contains(.optional) {
                    return .sessionReset(BGPDecodingError("unrecognized well-known attribute \(code)", offset: start,
                                                          notification: Notification(.updateMessage(.unrecognizedWellKnownAttribute), data: whole())))
                }
                attributes.append(PathAttribute(flags: flags, value: .unknown(typeCode: code, data: v.rest())))
                continue
            }
            // RFC 7606 §3 c: optional/transitive bits in conflict: treat-as-withdraw.
            let flagsOK = flags.intersection([.optional, .transitive]) == expected
            if !flagsOK {
                withdrawErrors.append(BGPDecodingError("attribute \(code) flags 0x\(String(flagsRaw, radix: 16))", offset: start,
                                                       notification: Notification(.updateMessage(.attributeFlagsError), data: whole())))
            }
            do {
                // Read without the attribute's bytes at hand; should it fail, read again with them for the error's data.
                let value: PathAttribute.Value
                let again = v
                do {
                    value = try PathAttribute.decodeValue(code: code, &v, attribute: [], options: options)
                } catch {
                    var w = again
                    value = try PathAttribute.decodeValue(code: code, &w, attribute: whole(), options: options)
                }
                if flagsOK { attributes.append(PathAttribute(flags: flags, value: value)) } else if case .mpReachNLRI = value {
                    attributes.append(PathAttribute(flags: flags, value: value))  // kept so its NLRI are withdrawn
                } else if case .mpUnreachNLRI = value {
                    attributes.append(PathAttribute(flags: flags, value: value))
                }
            } catch {
                var e = error
                if e.offset < valueStart { e.offset = valueStart }
                switch code {
                case C.mpReachNLRI, C.mpUnreachNLRI:
                    return .sessionReset(e)
                case C.atomicAggregate, C.aggregator, C.as4Path, C.as4Aggregator:
                    discardErrors.append(e)  // RFC 7606 §7.6, §7.7; RFC 6793 §6
                default:
                    withdrawErrors.append(e)
                }
            }
        }

        var nlriReader = r
        nlriReader.notification = invalidNetwork
        let nlri: [NLRI]
        do {
            nlri = try NLRI.decodeList(&nlriReader, family: .ipv4Unicast, addPath: ipv4AddPath)
        } catch {
            return .sessionReset(error)
        }

        let update = Update(withdrawnRoutes: withdrawn, attributes: PathAttributes(attributes), nlri: nlri)

        // RFC 7606 §3 d: a missing well-known mandatory attribute, when there
        // is something to announce, is treat-as-withdraw.
        if withdrawErrors.isEmpty && (!nlri.isEmpty || !(update.attributes.mpReachNLRI?.nlri.isEmpty ?? true)) {
            var required = [C.origin, C.asPath]
            if !nlri.isEmpty { required.append(C.nextHop) }
            if options.internalPeer { required.append(C.localPref) }
            for code in required where !seen.contains(code) {
                withdrawErrors.append(BGPDecodingError("missing well-known attribute \(code)", offset: attributesReader.offset,
                                                       notification: Notification(.updateMessage(.missingWellKnownAttribute), data: [code])))
            }
        }

        if !withdrawErrors.isEmpty {
            return .treatAsWithdraw(withdrawn: update.withdrawn + update.announced, errors: withdrawErrors + discardErrors)
        }
        if !discardErrors.isEmpty {
            return .attributeDiscard(update, errors: discardErrors)
        }
        return .update(update)
    }
}

/// A set of attribute type codes without allocation (256 bits).
struct TypeCodeSet {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    func contains(_ c: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(c & 63)
        switch c >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }
    mutating func insert(_ c: UInt8) {
        let bit = UInt64(1) << UInt64(c & 63)
        switch c >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }
}
