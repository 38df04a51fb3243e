import NIOCore

/// OFPT_HELLO: optional elements, of which OpenFlow 1.3 defines the version bitmap.
public struct Hello: Sendable, Hashable, WireCodable {
    public enum Element: Sendable, Hashable {
        /// OFPHET_VERSIONBITMAP: bit n of the bitmaps set means version n is supported.
        case versionBitmap([UInt32])
        case unknown(type: UInt16, body: ByteBuffer)
    }

    public var elements: [Element]

    public init(elements: [Element] = []) { self.elements = elements }

    /// A HELLO advertising exactly these wire versions (4 is OpenFlow 1.3).
    public init(versions: [UInt8]) {
        let top = Int(versions.max() ?? 0)
        var bitmaps = [UInt32](repeating: 0, count: top / 32 + 1)
        for v in versions { bitmaps[Int(v) / 32] |= 1 << (UInt32(v) % 32) }
        self.init(elements: [.versionBitmap(bitmaps)])
    }

    /// The versions the bitmap advertises, or nil when the HELLO has none
    /// (then only the header's version counts).
    public var versions: [UInt8]? {
        for case let .versionBitmap(bitmaps) in elements {
            var out: [UInt8] = []
            for (i, bitmap) in bitmaps.enumerated() where i < 8 {
                for bit in 0..<32 where bitmap & (1 << UInt32(bit)) != 0 { out.append(UInt8(i * 32 + bit)) }
            }
            return out
        }
        return nil
    }

    /// OFPHET_VERSIONBITMAP, the one element type 1.3 defines.
    static let versionBitmapType: UInt16 = 1

    func encode(into buffer: inout ByteBuffer) {
        for element in elements {
            switch element {
            case let .versionBitmap(bitmaps):
                buffer.writePaddedTLV(type: Self.versionBitmapType) { buffer in
                    for bitmap in bitmaps { buffer.writeInteger(bitmap) }
                }
            case let .unknown(type, body):
                buffer.writePaddedTLV(type: type) { $0.writeImmutableBuffer(body) }
            }
        }
    }

    static func decode(from reader: inout WireReader) throws(OpenFlowDecodingError) -> Hello {
        var elements: [Element] = []
        while !reader.isEmpty {
            let at = reader.offset
            let element = try reader.paddedTLV("hello element")
            var body = element.value
            if element.type == versionBitmapType {
                guard body.remaining % 4 == 0 else { throw reader.error("version bitmap length", .badLength(element.length), at: at &+ 2) }
                var bitmaps: [UInt32] = []
                while !body.isEmpty { bitmaps.append(try body.integer("version bitmap")) }
                elements.append(.versionBitmap(bitmaps))
            } else {
                elements.append(.unknown(type: element.type, body: body.rest()))
            }
        }
        return Hello(elements: elements)
    }
}
