import NIOCore

/// Instructions in the form a controller keeps for every flow it installs:
/// their wire encoding in one array. The encoder is deterministic and
/// decoding gives back the same values, so two lists are equal exactly when
/// their bytes are; a FLOW_MOD built from them copies the bytes as they are.
/// A flow's instructions then cost one allocation, not an array of enums
/// holding arrays of actions (several hundred bytes for an ARP responder).
public struct PackedInstructions: Sendable, Hashable {
    /// A slice, so that a holder may keep them in one array with other bytes.
    public let bytes: ArraySlice<UInt8>

    public init(_ instructions: [Instruction]) {
        var buffer = ByteBuffer()
        Instruction.encodeList(instructions, into: &buffer)
        bytes = ArraySlice(buffer.readBytes(length: buffer.readableBytes) ?? [])
    }

    /// The `bytes` of a `PackedInstructions`, kept elsewhere (a controller
    /// keeps them in one array with the flow's match) and given back.
    public init(unchecked bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    /// The instructions, decoded anew on every read.
    public var values: [Instruction] {
        // Encoded by `init`, so this cannot fail; give nothing if it did.
        (try? WireReader.with(ByteBuffer(bytes: bytes)) { (reader: inout WireReader) throws(OpenFlowDecodingError) in
            try Instruction.decodeList(from: &reader)
        }) ?? []
    }
}
