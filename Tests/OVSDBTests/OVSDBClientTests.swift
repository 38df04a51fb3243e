import NIOCore
import NIOPosix
import OVSDB
import OVSDBClient
import Testing

@Suite("OVSDB client")
struct OVSDBClientTests {
    @Test("endpoints in OVS's spelling", arguments: [
        ("unix:/var/run/openvswitch/db.sock", OVSDBEndpoint?.some(.unix(path: "/var/run/openvswitch/db.sock"))),
        ("tcp:127.0.0.1:6640", .some(.tcp(host: "127.0.0.1", port: 6640))),
        ("tcp:[::1]:6640", .some(.tcp(host: "::1", port: 6640))),
        ("tcp:127.0.0.1", nil), ("tcp:127.0.0.1:0", nil), ("tcp:127.0.0.1:65536", nil), ("tcp::6640", nil),
        ("unix:", nil), ("ssl:127.0.0.1:6640", nil), ("/var/run/db.sock", nil),
    ])
    func endpoint(_ text: String, _ expected: OVSDBEndpoint?) {
        #expect(OVSDBEndpoint(text) == expected)
        if let expected { #expect(expected.description == text) }
    }

    /// A listener on 127.0.0.1 for a scripted ovsdb-server.
    static func listener() async throws -> NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never> {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// A scripted server on 127.0.0.1: checks the monitor request, sends an
    /// echo and the initial reply cut into 7-byte writes, checks the echo
    /// reply, sends an update, then hangs up.
    @Test("over TCP: monitor sent, echo answered, split reply reassembled, update applied, hang-up reported")
    func scriptedServer() async throws {
        let server = try await Self.listener()
        let port = try #require(server.channel.localAddress?.port)
        let serverTask = Task { () throws -> [JSONRPCMessage] in
            try await server.executeThenClose { connections in
                var received: [JSONRPCMessage] = []
                for try await connection in connections {
                    try await connection.executeThenClose { input, output in
                        var framer = JSONStreamFramer()
                        var iterator = input.makeAsyncIterator()
                        func nextMessage() async throws -> JSONRPCMessage? {
                            while true {
                                if let text = try framer.next() { return try JSONRPCMessage(json: try JSONParser().parse(text)) }
                                guard let chunk = try await iterator.next() else { return nil }
                                framer.append(chunk)
                            }
                        }
                        if let monitor = try await nextMessage() { received.append(monitor) }
                        let script = Vectors.echo + Vectors.initialReply
                        let bytes = Array(script.utf8)
                        for start in stride(from: 0, to: bytes.count, by: 7) {
                            try await output.write(ByteBuffer(bytes: bytes[start..<min(start + 7, bytes.count)]))
                        }
                        if let echoReply = try await nextMessage() { received.append(echoReply) }
                        try await output.write(ByteBuffer(string: Vectors.changeVNI))
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    break
                }
                return received
            }
        }

        let client = OVSDBClient(endpoint: .tcp(host: "127.0.0.1", port: port), minimumBackoff: .seconds(5))
        var events = client.events().makeAsyncIterator()
        var kinds: [String] = []
        var last: OVSDBReplica?
        while kinds.count < 3, let event = await events.next() {
            switch event {
            case .synchronized(let r): kinds.append("synchronized"); last = r
            case .changed(let r, _): kinds.append("changed"); last = r
            case .disconnected: kinds.append("disconnected")
            }
            if kinds.count == 1 { #expect(last?.attachedPorts.ports.first?.vni == 10) }
        }
        #expect(kinds == ["synchronized", "changed", "disconnected"])
        #expect(last?.attachedPorts.ports.map(\.vni) == [20])

        let received = try await serverTask.value
        #expect(received.count == 2)
        if case .request("monitor", let params, let id)? = received.first {
            #expect(params == OVSDBMonitorRequest.localPorts.message(id: id).json["params"]?.arrayValue)
        } else {
            Issue.record("first message was not a monitor request: \(String(describing: received.first))")
        }
        #expect(received.last == .response(result: [], error: nil, id: "echo"))
    }

    /// ovsdb-server sends 2,000 updates while the consumer
    /// does not read. The events waiting are bounded (each holds the whole
    /// replica: the newest supersede the rest), and the newest state is there.
    @Test("a consumer that falls behind 2,000 updates finds a bounded queue ending in the newest state")
    func updatesBeyondTheConsumerAreBounded() async throws {
        let server = try await Self.listener()
        let port = try #require(server.channel.localAddress?.port)
        let serverTask = Task { () throws -> Void in
            try await server.executeThenClose { connections in
                for try await connection in connections {
                    try await connection.executeThenClose { input, output in
                        var iterator = input.makeAsyncIterator()
                        _ = try await iterator.next()  // the monitor request
                        try await output.write(ByteBuffer(string: Vectors.initialReply))
                        for _ in 0..<2_000 { try await output.write(ByteBuffer(string: Vectors.changeVNI)) }
                        try await Task.sleep(for: .milliseconds(500))
                    }
                    break
                }
            }
        }
        let client = OVSDBClient(endpoint: .tcp(host: "127.0.0.1", port: port), minimumBackoff: .seconds(5))
        let stream = client.events()
        try await serverTask.value
        try await Task.sleep(for: .milliseconds(200))
        var events = stream.makeAsyncIterator()
        var kinds: [String] = []
        var last: OVSDBReplica?
        while let event = await events.next() {
            switch event {
            case .synchronized(let r): kinds.append("synchronized"); last = r
            case .changed(let r, _): kinds.append("changed"); last = r
            case .disconnected: kinds.append("disconnected")
            }
            if kinds.last == "disconnected" { break }
        }
        #expect(kinds.count <= 16, "\(kinds.count) events waited")
        #expect(kinds.last == "disconnected")
        #expect(last?.attachedPorts.ports.map(\.vni) == [20])
    }
}
