import Foundation
import OpenFlow
import OpenFlowController
import TestSupport
import Testing

/// A folder under /tmp with a short name, for sockets no OVS connects to:
/// a socket path must fit sun_path (107 bytes).
struct ShortSocketFolder: ~Copyable {
    let path: String

    init() throws {
        var template = Array("/tmp/spc-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw POSIXError(.init(rawValue: errno) ?? .EIO)
        }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// What a controller killed with -9 leaves behind: a socket file nobody accepts on.
func leaveStaleSocket(at path: String) throws {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var sun = sockaddr_un()
    sun.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &sun.sun_path) { raw in for (i, b) in path.utf8.enumerated() { raw[i] = b } }
    let bound = withUnsafePointer(to: &sun) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    guard bound == 0, listen(fd, 1) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
}

func fileType(_ path: String) -> (isSocket: Bool, mode: mode_t)? {
    var st = stat()
    guard lstat(path, &st) == 0 else { return nil }
    return (st.st_mode & S_IFMT == S_IFSOCK, st.st_mode & 0o777)
}

/// The controller on a unix domain socket, with a real Open vSwitch 3.1
/// (`ovs-vsctl set-controller BR unix:PATH`) in a private namespace. OVS
/// connects only to a socket in its run directory, so the path is there.
@Suite("Controller on a unix socket against real Open vSwitch", .serialized,
       .enabled(if: OVSSandbox.controllerTestsUnavailable == nil,
                Comment(rawValue: OVSSandbox.controllerTestsUnavailable ?? "")))
struct ControllerUnixSocketOVSTests {
    static let ours = CookieSpace.swiftplane

    /// Everything to the controller, so that any frame becomes a packet-in.
    static let flows = [
        FlowEntry(priority: 0, cookie: ours.cookie(7),
                  instructions: [.applyActions([.output(port: OpenFlowPort.controller, maxLength: 0xffff)])]),
        FlowEntry(tableID: 3, priority: 9, match: Match([OXMField(.ethType, 0x0800)]), cookie: ours.cookie(8),
                  instructions: [.applyActions([])]),
    ]
    static let dump = [
        "cookie=0x5350000000000007, priority=0 actions=CONTROLLER:65535",
        "cookie=0x5350000000000008, table=3, priority=9,ip actions=drop",
    ]

    static func unixController(_ path: String, mode: UInt32 = 0o660, logger: LogCapture? = nil) -> OpenFlowController {
        var configuration = OpenFlowController.Configuration()
        configuration.listen = .unix(path: path)
        configuration.socketMode = mode
        return logger.map { OpenFlowController(configuration: configuration, logger: $0.logger) }
            ?? OpenFlowController(configuration: configuration)
    }

    @Test("set-controller unix:PATH connects; dump-flows shows exactly the wanted flows; a ping arrives as packet-in; stop() removes the file")
    func bridgeConnectsOverUnixSocket() async throws {
        let log = LogCapture()
        try await OVSSandbox.with(hint: "ux") { sandbox in
            let path = try sandbox.controllerSocketPath()
            let controller = Self.unixController(path, logger: log)
            try sandbox.addContainer("a", mac: "02:00:00:00:00:0a", addresses: ["10.78.0.1/24"], ofport: 1)
            try sandbox.addContainer("b", mac: "02:00:00:00:00:0b", addresses: ["10.78.0.2/24"], ofport: 2)
            do {
                try await controller.start()
                let file = try #require(fileType(path))
                #expect(file.isSocket && file.mode == 0o660, "mode \(String(file.mode, radix: 8))")
                #expect(log.all.contains { $0.message == "openflow controller listening" && $0.metadata["transport"] == "unix" })

                try sandbox.setController("unix:\(path)")
                let info = try #require(await nextEvent(controller.events, seconds: 10) { if case let .up(info) = $0 { info } else { nil } },
                                        "OVS did not connect: \(sandbox.vswitchdLog().suffix(2000))")
                let dpid = info.datapathID
                #expect(info.peer == "unix:\(path)")
                // OVS's own view (its status column is refreshed every few seconds).
                #expect(try await eventually(10) {
                    try sandbox.vsctl("get", "Controller", sandbox.bridge, "is_connected").trimmingCharacters(in: .whitespacesAndNewlines) == "true"
                })

                let report = try await controller.setFlows(FlowTable(Self.flows), on: dpid)
                #expect(report.added == 2 && report.deleted == 0)
                #expect(try sandbox.flowsWithoutStats() == Self.dump)

                let ping = try Daemon(["ping", "-c", "3", "-i", "0.2", "-W", "1", "10.78.0.2"], netns: "\(sandbox.name)-a")
                defer { ping.stop() }
                let packetIn = try #require(await firstPacketIn(controller.packetIns, seconds: 5) { event in
                    Array(event.packetIn.data.readableBytesView.dropFirst(12).prefix(2)) == [0x08, 0x06]
                })
                #expect(packetIn.datapathID == dpid && packetIn.packetIn.inPort == 1)
                #expect(Array(packetIn.packetIn.data.readableBytesView.dropFirst(6).prefix(6)) == [0x02, 0, 0, 0, 0, 0x0a])
            } catch {
                await controller.stop()
                throw error
            }
            await controller.stop()
            #expect(fileType(path) == nil, "stop() left the socket file")
            // fail_mode=secure: the flows outlive the controller.
            #expect(try sandbox.flowsWithoutStats() == Self.dump)
        }
    }

    @Test("a stale socket file from a killed controller is replaced and OVS connects; a second live controller is refused")
    func staleSocketReplacedLiveOneRefused() async throws {
        try await OVSSandbox.with(hint: "uxs") { sandbox in
            let path = try sandbox.controllerSocketPath()
            try leaveStaleSocket(at: path)
            #expect(fileType(path)?.isSocket == true)
            let controller = Self.unixController(path, mode: 0o600)
            // OVS is pointed at the dead socket first, as after a crash: it keeps retrying.
            try sandbox.setController("unix:\(path)")
            do {
                try await controller.start()
                #expect(fileType(path)?.mode == 0o600)
                let dpid = try #require(await nextEvent(controller.events, seconds: 10) { if case let .up(info) = $0 { info.datapathID } else { nil } },
                                        "OVS did not connect: \(sandbox.vswitchdLog().suffix(2000))")
                try await controller.setFlows(FlowTable(Self.flows), on: dpid)
                #expect(try sandbox.flowsWithoutStats() == Self.dump)

                // A second controller must not steal the live socket: refused, and the first keeps its switch.
                let second = Self.unixController(path)
                let error = await #expect(throws: OpenFlowController.ListenError.self) { try await second.start() }
                #expect(error?.description == "controller on unix:\(path): another process is serving on this socket")
                await second.stop()
                #expect(fileType(path)?.isSocket == true)
                #expect(await controller.connectedSwitches == [dpid])
                #expect(try await controller.installedFlows(on: dpid).count == 2)
            } catch {
                await controller.stop()
                throw error
            }
            await controller.stop()
            #expect(fileType(path) == nil)
        }
    }
}
