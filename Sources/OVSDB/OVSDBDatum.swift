/// A column's value (RFC 7047 section 5.1 `<value>`): an atom, a set
/// `["set", [atoms]]` or a map `["map", [[key, value], ...]]`. A set of one
/// is sent as the bare atom and the empty set as `["set", []]`, so readers
/// go through `atoms` rather than matching the case.
public enum OVSDBDatum: Sendable, Hashable {
    case atom(OVSDBAtom)
    case set([OVSDBAtom])
    case map([Entry])

    public struct Entry: Sendable, Hashable {
        public var key: OVSDBAtom
        public var value: OVSDBAtom
        public init(key: OVSDBAtom, value: OVSDBAtom) {
            self.key = key
            self.value = value
        }
    }

    public init(json: JSONValue, path: @autoclosure () -> String) throws(OVSDBError) {
        if case .array(let pair) = json, pair.count == 2, case .string(let tag) = pair[0] {
            switch tag {
            case "set":
                guard let elements = pair[1].arrayValue else { throw OVSDBError(path(), "set elements are not an array") }
                var atoms: [OVSDBAtom] = []
                atoms.reserveCapacity(elements.count)
                for element in elements { atoms.append(try OVSDBAtom(json: element, path: path())) }
                self = .set(atoms)
                return
            case "map":
                guard let elements = pair[1].arrayValue else { throw OVSDBError(path(), "map entries are not an array") }
                var entries: [Entry] = []
                entries.reserveCapacity(elements.count)
                for element in elements {
                    guard let kv = element.arrayValue, kv.count == 2 else {
                        throw OVSDBError(path(), "map entry is not a [key, value] pair")
                    }
                    entries.append(Entry(key: try OVSDBAtom(json: kv[0], path: path()), value: try OVSDBAtom(json: kv[1], path: path())))
                }
                self = .map(entries)
                return
            default:
                break  // ["uuid", ...] and ["named-uuid", ...] are atoms
            }
        }
        self = .atom(try OVSDBAtom(json: json, path: path()))
    }

    public var json: JSONValue {
        switch self {
        case .atom(let a): return a.json
        case .set(let atoms): return ["set", .array(atoms.map(\.json))]
        case .map(let entries): return ["map", .array(entries.map { [$0.key.json, $0.value.json] })]
        }
    }

    /// The elements, whichever way the set was spelt (a map gives its keys).
    public var atoms: [OVSDBAtom] {
        switch self {
        case .atom(let a): return [a]
        case .set(let atoms): return atoms
        case .map(let entries): return entries.map(\.key)
        }
    }

    /// A string-to-string map (external_ids, options); nil for anything else.
    /// The empty map may arrive as an empty set.
    public var stringMap: [String: String]? {
        switch self {
        case .set(let atoms) where atoms.isEmpty: return [:]
        case .map(let entries):
            var out: [String: String] = [:]
            for entry in entries {
                guard let k = entry.key.stringValue, let v = entry.value.stringValue else { return nil }
                out[k] = v
            }
            return out
        default: return nil
        }
    }
}
