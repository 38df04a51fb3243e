import NIOCore

/// What happens to one message's bytes under decode -> encode -> decode: the
/// check the fuzzer and the robustness tests run on every input.
public enum RoundTripOutcome: Sendable {
    /// The bytes are not a valid message (a typed error, never a trap).
    case rejected(OpenFlowDecodingError)
    /// Decoded, re-encoded and decoded again to the same value.
    case stable(OpenFlowEnvelope)
    /// The value changed on the way round, or its encoding was refused: a codec bug.
    case unstable(first: OpenFlowEnvelope, second: OpenFlowEnvelope?, reason: String)
}

extension OpenFlowEnvelope {
    /// Decodes `frame` (exactly one message), re-encodes the value and decodes that.
    public static func roundTrip(_ frame: ByteBuffer) -> RoundTripOutcome {
        let first: OpenFlowEnvelope
        do {
            first = try decode(frame)
        } catch {
            return .rejected(error)
        }
        // What decoding validated and kept as bytes must read back.
        if case let .flowMod(flowMod) = first.message {
            do {
                _ = try flowMod.instructionList.decoded()
            } catch {
                return .unstable(first: first, second: nil, reason: "validated instructions do not decode: \(error)")
            }
        }
        let bytes: ByteBuffer
        do {
            bytes = try first.encoded()
        } catch {
            return .unstable(first: first, second: nil, reason: "re-encoding failed: \(error)")
        }
        do {
            let second = try decode(bytes)
            return second == first ? .stable(first) : .unstable(first: first, second: second, reason: "value changed")
        } catch {
            return .unstable(first: first, second: nil, reason: "re-encoded bytes do not decode: \(error)")
        }
    }
}
