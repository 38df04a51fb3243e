import BGP
import BMP
import BMPClient
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import TestSupport

/// The BMP client's promises on real loopback sockets: it keeps dialling a
/// collector that is not there yet and greets it once it is; and a
/// collector that does not read costs a bounded queue, the rest dropped,
/// counted and warned of.
@Suite struct BMPClientTests {
    static let peer = BMPPerPeerHeader(peerAddress: .v4(IPv4Address(192, 0, 2, 1)), peerAS: 65000, peerBGPID: IPv4Address(192, 0, 2, 1))
    /// A Route Monitoring of about 4 KiB (a whole-message placeholder: the collector does not parse it).
    static let big = BMPMessage.routeMonitoring(peer, update: [UInt8](repeating: 0xff, count: 16) + [0x10, 0x00, 2] + [UInt8](repeating: 0, count: 4077))

    /// Accepts connections; `read` false leaves every byte unread in the kernel.
    final class Collector: @unchecked Sendable {
        let channel: any Channel
        let received = NIOLockedValueBox<[UInt8]>([])

        init(port: Int, read: Bool) async throws {
            let received = self.received
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.autoRead, value: read)
                .childChannelInitializer { child in
                    child.eventLoop.makeCompletedFuture { try child.pipeline.syncOperations.addHandler(Keep(received: received)) }
                }
                .bind(host: "127.0.0.1", port: port).get()
        }

        final class Keep: ChannelInboundHandler, Sendable {
            typealias InboundIn = ByteBuffer
            let received: NIOLockedValueBox<[UInt8]>
            init(received: NIOLockedValueBox<[UInt8]>) { self.received = received }
            func channelRead(context: ChannelHandlerContext, data: NIOAny) {
                let bytes = Array(buffer: unwrapInboundIn(data))
                received.withLockedValue { $0 += bytes }
            }
        }
    }

    @Test func dialsAgainUntilTheCollectorListensThenGreetsIt() async throws {
        let port = freeLoopbackPort()
        let logs = LogCapture()
        let client = BMPClient(.init(host: "127.0.0.1", port: port, sysName: "test", sysDescr: "test", statisticsInterval: nil),
                               logger: logs.logger, greeting: { [.peerDownNotification(Self.peer, BMPPeerDown(reason: .remoteNoData))] })
        client.start()
        // No collector yet: a warning per attempt.
        #expect(await eventually(5) { logs.all.contains { $0.level == .warning && $0.message.contains("unreachable") } })
        let collector = try await Collector(port: port, read: true)
        defer { collector.channel.close(promise: nil) }
        var messages: [BMPMessage] = []
        let greeted = await eventually(10, every: .milliseconds(100)) {
            var bytes = collector.received.withLockedValue { $0 }
            messages = []
            while let m = try? BMPMessage.next(from: &bytes) { messages.append(m) }
            return messages.count >= 2
        }
        #expect(greeted)
        #expect(messages.first?.type == .initiation && messages.dropFirst().first?.type == .peerDownNotification, "\(messages)")
        await client.stop()
        // Termination last, after what was queued.
        var bytes = collector.received.withLockedValue { $0 }
        var all: [BMPMessage] = []
        while let m = try? BMPMessage.next(from: &bytes) { all.append(m) }
        #expect(all.last?.type == .termination, "\(all.map(\.type))")
    }

    @Test func aCollectorThatDoesNotReadCostsABoundedQueue() async throws {
        let port = freeLoopbackPort()
        let collector = try await Collector(port: port, read: false)
        defer { collector.channel.close(promise: nil) }
        let logs = LogCapture()
        let limit = 256 << 10
        let client = BMPClient(.init(host: "127.0.0.1", port: port, sysName: "test", sysDescr: "test", maximumQueuedBytes: limit, statisticsInterval: nil),
                               logger: logs.logger, greeting: { [] })
        client.start()
        #expect(await eventually(5) { client.isConnected })
        // 64 MiB offered: far past the kernel's socket buffers and the queue.
        for _ in 0..<64 { client.send(Array(repeating: Self.big, count: 256)) }
        #expect(client.droppedMessages > 10_000, "dropped \(client.droppedMessages)")
        #expect(logs.all.contains { $0.level == .warning && $0.message.contains("does not keep up") && $0.metadata["queue-limit"] == "\(limit)" })
        await client.stop(timeout: .milliseconds(200))
    }
}
