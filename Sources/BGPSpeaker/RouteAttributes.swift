import BGP

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
public struct AttributeStore: Sendable {
    public typealias ID = UInt32
    private var ids: [RouteAttributes: ID] = [:]
    private var values: [RouteAttributes?] = []
    private var counts: [UInt32] = []
    private var free: [ID] = []
    /// Sets dropped so far: an id remembered from before may name another set once this moves.
    public private(set) var dropped = 0

    public init() {}

    /// Distinct attribute sets held.
    public var count: Int { ids.count }

    /// The id of `value`, with one more reference.
    public mutating func intern(_ value: RouteAttributes) -> ID {
        if let id = ids[value] {
            counts[Int(id)] &+= 1
            return id
        }
        let id: ID
        if let reused = free.popLast() {
            id = reused
            values[Int(id)] = value
            counts[Int(id)] = 1
        } else {
            id = ID(values.count)
            values.append(value)
            counts.append(1)
        }
        ids[value] = id
        return id
    }

    public mutating func retain(_ id: ID) { counts[Int(id)] &+= 1 }

    /// References held on `id`; 0 once it is gone.
    public func references(_ id: ID) -> UInt32 { Int(id) < counts.count ? counts[Int(id)] : 0 }

    /// Drops one reference; the set goes when none is left.
    public mutating func release(_ id: ID) {
        let i = Int(id)
        guard counts[i] > 0 else { return }
        counts[i] -= 1
        if counts[i] == 0, let v = values[i] {
            ids[v] = nil
            values[i] = nil
            free.append(id)
            dropped &+= 1
        }
    }

    public subscript(id: ID) -> RouteAttributes { values[Int(id)] ?? RouteAttributes(attributes: PathAttributes(), nextHop: []) }
}
