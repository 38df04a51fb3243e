/// The path attributes of an UPDATE, in wire order. A value: many NLRI can
/// share one (intern it in a set), and it carries unknown attributes with
/// their flags so a reflector can pass them on.
public struct PathAttributes: Hashable, Sendable {
    public var attributes: [PathAttribute]
    public init(_ attributes: [PathAttribute] = []) { self.attributes = attributes }

    public subscript(typeCode code: UInt8) -> PathAttribute? { attributes.first { $0.typeCode == code } }

    /// Replaces the attribute of the same type code, or appends it.
    public mutating func set(_ attribute: PathAttribute) {
        if let i = attributes.firstIndex(where: { $0.typeCode == attribute.typeCode }) {
            attributes[i] = attribute
        } else {
            attributes.append(attribute)
        }
    }

    public mutating func remove(typeCode code: UInt8) { attributes.removeAll { $0.typeCode == code } }

    public var origin: Origin? { for a in attributes { if case .origin(let v) = a.value { return v } }; return nil }
    public var asPath: ASPath? { for a in attributes { if case .asPath(let v) = a.value { return v } }; return nil }
    public var as4Path: ASPath? { for a in attributes { if case .as4Path(let v) = a.value { return v } }; return nil }
    public var nextHop: IPv4Address? { for a in attributes { if case .nextHop(let v) = a.value { return v } }; return nil }
    public var multiExitDisc: UInt32? { for a in attributes { if case .multiExitDisc(let v) = a.value { return v } }; return nil }
    public var localPref: UInt32? { for a in attributes { if case .localPref(let v) = a.value { return v } }; return nil }
    public var originatorID: IPv4Address? { for a in attributes { if case .originatorID(let v) = a.value { return v } }; return nil }
    public var clusterList: ClusterList? { for a in attributes { if case .clusterList(let v) = a.value { return v } }; return nil }
    public var communities: [Community] { for a in attributes { if case .communities(let v) = a.value { return v } }; return [] }
    public var extendedCommunities: [ExtendedCommunity] { for a in attributes { if case .extendedCommunities(let v) = a.value { return v } }; return [] }
    public var largeCommunities: [LargeCommunity] { for a in attributes { if case .largeCommunities(let v) = a.value { return v } }; return [] }
    public var pmsiTunnel: PMSITunnel? { for a in attributes { if case .pmsiTunnel(let v) = a.value { return v } }; return nil }
    public var mpReachNLRI: MPReachNLRI? { for a in attributes { if case .mpReachNLRI(let v) = a.value { return v } }; return nil }
    public var mpUnreachNLRI: MPUnreachNLRI? { for a in attributes { if case .mpUnreachNLRI(let v) = a.value { return v } }; return nil }

    /// The route targets among the extended communities.
    public var routeTargets: [RouteTarget] {
        extendedCommunities.compactMap { if case .routeTarget(let t) = $0 { t } else { nil } }
    }

    /// The attributes shared by every NLRI of the update: MP_REACH_NLRI and
    /// MP_UNREACH_NLRI left out (their next hop is kept by the caller).
    public var withoutMultiprotocol: PathAttributes {
        PathAttributes(attributes.filter {
            $0.typeCode != AttributeTypeCode.mpReachNLRI && $0.typeCode != AttributeTypeCode.mpUnreachNLRI
        })
    }

    /// The attributes as a speaker passes them to another peer (RFC 4271
    /// §5, §9.1.4): unknown optional transitive ones go on unchanged except for
    /// the partial bit, unknown optional non-transitive ones are dropped.
    public var passedOn: PathAttributes {
        PathAttributes(attributes.compactMap { a in
            guard case .unknown = a.value else { return a }
            guard a.flags.contains(.transitive) else { return nil }
            var b = a
            b.flags.insert(.partial)
            return b
        })
    }
}
