/// A few values that are nearly always one (the routes of one MAC, the MACs
/// holding one IP): the one is kept inline, so the common case costs no
/// array of its own. At 100,000 remote endpoints that is one allocation less
/// per endpoint and per address.
enum OneOrMore<Element: Hashable & Sendable>: Hashable, Sendable, Sequence {
    case one(Element)
    /// Two or more, in the order they came.
    case many([Element])

    /// `element` after the others.
    func appending(_ element: Element) -> OneOrMore {
        switch self {
        case let .one(first): .many([first, element])
        case let .many(all): .many(all + [element])
        }
    }

    /// Without the first occurrence of `element`; nil when none is left.
    func removing(_ element: Element) -> OneOrMore? {
        switch self {
        case let .one(only):
            return only == element ? nil : self
        case var .many(all):
            if let at = all.firstIndex(of: element) { all.remove(at: at) }
            switch all.count {
            case 0: return nil
            case 1: return .one(all[0])
            default: return .many(all)
            }
        }
    }

    struct Iterator: IteratorProtocol {
        fileprivate var one: Element?
        fileprivate var rest: IndexingIterator<[Element]>?

        mutating func next() -> Element? {
            if let element = one {
                one = nil
                return element
            }
            return rest?.next()
        }
    }

    func makeIterator() -> Iterator {
        switch self {
        case let .one(element): Iterator(one: element, rest: nil)
        case let .many(all): Iterator(one: nil, rest: all.makeIterator())
        }
    }
}

extension Optional {
    /// `element` added to what is there, if anything.
    func appending<Element>(_ element: Element) -> OneOrMore<Element> where Wrapped == OneOrMore<Element> {
        self?.appending(element) ?? .one(element)
    }
}
