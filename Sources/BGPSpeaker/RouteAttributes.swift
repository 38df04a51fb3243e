import BGP
import Interning

/// What routes of one UPDATE share: the path attributes without
/// MP_REACH/MP_UNREACH, and the multiprotocol next hop as sent. Interned in
/// an `AttributeStore`, so a million routes with one attribute set hold it once.
public struct RouteAttributes: Hashable, Sendable {
    public var attributes: PathAttributes
    public var nextHop: [UInt8]
    public init(attributes: PathAttributes, nextHop: [UInt8]) { self.attributes = attributes; self.nextHop = nextHop }
}

/// Interned attribute sets with reference counts: ids are small integers
/// the RIB tables store instead of the values.
public typealias AttributeStore = InternTable<RouteAttributes>
