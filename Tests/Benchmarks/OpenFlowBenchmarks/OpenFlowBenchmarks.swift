import Benchmark
import NIOCore
import OpenFlow

/// A typical overlay flow: the ARP responder (3 match fields, 2 instructions, 4 actions).
let overlayFlowMod = OpenFlowEnvelope(xid: 42, .flowMod(FlowMod(
    cookie: 0x5150_0000_0000_0064, tableID: 20, priority: 100,
    match: Match([OXMField(.metadata, 100), OXMField(.ethType, 0x0806), OXMField(.arpTPA, 0x0a00_0003)]),
    instructions: [
        .applyActions([
            .nicira(.regMove(bits: 48, sourceOffset: 0, destinationOffset: 0,
                             source: OXMHeader(oxmClass: 0, field: 2, length: 6), destination: OXMHeader(oxmClass: 0, field: 1, length: 6))),
            .setField(OXMField(.ethSrc, 0x5254_0000_0003)),
            .setField(OXMField(.arpOp, 2)),
            .output(OpenFlowPort.inPort),
        ]),
        .gotoTable(30),
    ]
)))

/// A 128-byte PACKET_IN: header 8, fixed 16, match 24 (in_port, metadata), pad 2, frame 78.
let packetIn = OpenFlowEnvelope(xid: 0, .packetIn(PacketIn(
    totalLength: 78, reason: .noMatch, tableID: 10, cookie: 0x5150,
    match: Match([OXMField(.inPort, 1), OXMField(.metadata, 100)]),
    data: ByteBuffer(repeating: 0x5a, count: 78)
)))

func encoded(_ envelope: OpenFlowEnvelope) -> ByteBuffer {
    (try? envelope.encoded()) ?? ByteBuffer()
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .kilo,
        maxDuration: .seconds(3)
    )

    for (name, envelope) in [("FLOW_MOD", overlayFlowMod), ("PACKET_IN 128 B", packetIn)] {
        Benchmark("\(name) encode") { benchmark in
            var buffer = ByteBuffer()
            buffer.reserveCapacity(512)
            for _ in benchmark.scaledIterations {
                buffer.clear()
                try? envelope.encode(into: &buffer)
                blackHole(buffer.writerIndex)
            }
        }

        let bytes = encoded(envelope)
        if name.hasPrefix("PACKET_IN") && bytes.readableBytes != 128 { fatalError("PACKET_IN is \(bytes.readableBytes) bytes, not 128") }
        Benchmark("\(name) decode") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try? OpenFlowEnvelope.decode(bytes))
            }
        }
    }

    // A decoded FLOW_MOD keeps its instructions as checked bytes; this one
    // also builds the instruction and action arrays, as a reader of them does.
    let flowModBytes = encoded(overlayFlowMod)
    Benchmark("FLOW_MOD decode + read instructions") { benchmark in
        for _ in benchmark.scaledIterations {
            if case let .flowMod(flowMod)? = (try? OpenFlowEnvelope.decode(flowModBytes))?.message {
                blackHole(flowMod.instructions)
            }
        }
    }

    // The stream decoder splitting a read of 64 PACKET_INs.
    var stream = ByteBuffer()
    for _ in 0..<64 { try? packetIn.encode(into: &stream) }
    Benchmark("stream of 64 PACKET_IN decode", configuration: .init(scalingFactor: .one)) { benchmark in
        for _ in benchmark.scaledIterations {
            var decoder = OpenFlowMessageDecoder()
            decoder.append(stream)
            while let message = try? decoder.nextMessage() { blackHole(message) }
        }
    }
}
