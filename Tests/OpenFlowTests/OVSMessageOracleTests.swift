import NIOCore
import OpenFlow
import TestSupport
import Testing

/// A message the controller sends, and what `ovs-ofctl ofp-print` should print for it.
struct OracleMessage: NamedRow {
    var name: String
    var message: OpenFlowMessage
    var expected: String
}

/// An ARP reply 10.0.0.3 is-at 52:54:00:00:00:03, to 52:54:00:00:00:01 (10.0.0.1), padded to 60 bytes.
private let arpReply: [UInt8] = Hex.bytes("""
    525400000001 525400000003 0806 0001 0800 06 04 0002 525400000003 0a000003 525400000001 0a000001
    """ + String(repeating: "00", count: 18)) ?? []

let oracleMessages: [OracleMessage] = [
    OracleMessage(name: "hello for 1.3", message: .hello(Hello(versions: [4])),
                  expected: "OFPT_HELLO (OF1.3) (xid=0x1): version bitmap: 0x04"),
    OracleMessage(name: "features request", message: .featuresRequest,
                  expected: "OFPT_FEATURES_REQUEST (OF1.3) (xid=0x1):"),
    OracleMessage(name: "set config, whole packets to the controller", message: .setConfig(SwitchConfig(missSendLength: 0xffff)),
                  expected: "OFPT_SET_CONFIG (OF1.3) (xid=0x1): frags=normal miss_send_len=65535"),
    OracleMessage(name: "barrier", message: .barrierRequest,
                  expected: "OFPT_BARRIER_REQUEST (OF1.3) (xid=0x1):"),
    // OFPCR_ROLE_MASTER (2): Open vSwitch 3.x calls it "primary".
    OracleMessage(name: "role master", message: .roleRequest(RoleMessage(role: 2, generationID: 7)),
                  expected: "OFPT_ROLE_REQUEST (OF1.3) (xid=0x1): role=primary generation_id=7"),
    OracleMessage(name: "echo reply with payload", message: .echoReply(ByteBuffer(bytes: Array("hi".utf8))),
                  expected: "OFPT_ECHO_REPLY (OF1.3) (xid=0x1): 2 bytes of payload 00000000 68 69 |hi |"),
    OracleMessage(name: "port descriptions", message: .multipartRequest(MultipartRequest(.portDesc)),
                  expected: "OFPST_PORT_DESC request (OF1.3) (xid=0x1): port=ANY"),
    OracleMessage(name: "switch description", message: .multipartRequest(MultipartRequest(.desc)),
                  expected: "OFPST_DESC request (OF1.3) (xid=0x1):"),
    // ovs-ofctl does not print a flow stats request's cookie; table, out_port and match it does.
    OracleMessage(name: "flows of one table through a port", message: .multipartRequest(MultipartRequest(.flow(FlowStatsRequest(
                      tableID: 30, outPort: 1, cookie: 0x5150_0000_0000_0000, cookieMask: 0xffff_0000_0000_0000,
                      match: Match([OXMField(.metadata, 100)]))))),
                  expected: "OFPST_FLOW request (OF1.3) (xid=0x1): table=30 out_port=1 metadata=0x64"),
    OracleMessage(name: "packet-out of an ARP reply", message: .packetOut(PacketOut(
                      inPort: OpenFlowPort.controller, actions: [.output(1)], data: ByteBuffer(bytes: arpReply))),
                  expected: """
                      OFPT_PACKET_OUT (OF1.3) (xid=0x1): in_port=CONTROLLER actions=output:1 data_len=60
                      arp,vlan_tci=0x0000,dl_src=52:54:00:00:00:03,dl_dst=52:54:00:00:00:01,arp_spa=10.0.0.3,arp_tpa=10.0.0.1,arp_op=2,arp_sha=52:54:00:00:00:03,arp_tha=52:54:00:00:00:01
                      """),
    OracleMessage(name: "packet-out back out of its port", message: .packetOut(PacketOut(
                      inPort: 2, actions: [.output(OpenFlowPort.inPort)], data: ByteBuffer(bytes: arpReply))),
                  expected: """
                      OFPT_PACKET_OUT (OF1.3) (xid=0x1): in_port=2 actions=IN_PORT data_len=60
                      arp,vlan_tci=0x0000,dl_src=52:54:00:00:00:03,dl_dst=52:54:00:00:00:01,arp_spa=10.0.0.3,arp_tpa=10.0.0.1,arp_op=2,arp_sha=52:54:00:00:00:03,arp_tha=52:54:00:00:00:01
                      """),
    OracleMessage(name: "bundle open", message: .experimenter(BundleControl(bundleID: 7, type: .openRequest).experimenter),
                  expected: "ONFT_BUNDLE_CONTROL (OF1.3) (xid=0x1): bundle_id=0x7 type=OPEN_REQUEST flags=atomic ordered"),
    OracleMessage(name: "bundle commit", message: .experimenter(BundleControl(bundleID: 0x1_0002, type: .commitRequest).experimenter),
                  expected: "ONFT_BUNDLE_CONTROL (OF1.3) (xid=0x1): bundle_id=0x10002 type=COMMIT_REQUEST flags=atomic ordered"),
    OracleMessage(name: "a FLOW_MOD added to a bundle", message: bundled(.flowMod(FlowMod(
                      cookie: 0x5350_000b_0000_000a, tableID: 30, priority: 100,
                      match: Match([OXMField(.metadata, 10), OXMField(.inPort, 1)]), instructions: [.applyActions([.output(2)])]))),
                  expected: """
                      ONFT_BUNDLE_ADD_MESSAGE (OF1.3) (xid=0x1): bundle_id=0x7 flags=atomic ordered
                      OFPT_FLOW_MOD (OF1.3) (xid=0x1): ADD table:30 priority=100,metadata=0xa,in_port=1 cookie:0x5350000b0000000a actions=output:2
                      """),
]

/// `message` added to bundle 7, as sent with xid 1 (the oracle's xid).
private func bundled(_ message: OpenFlowMessage) -> OpenFlowMessage {
    guard let add = try? BundleAdd(bundleID: 7, message: message).experimenter(xid: 1) else { return .barrierRequest }
    return .experimenter(add)
}

@Suite("Controller messages decoded by Open vSwitch (ovs-ofctl ofp-print)")
struct OVSMessageOracleTests {
    @Test("ovs-ofctl prints the message we meant",
          .enabled(if: OVSOracleTests.ovsOfctl != nil, "ovs-ofctl (openvswitch-common) is not installed"),
          arguments: oracleMessages)
    func oracle(message: OracleMessage) throws {
        let bytes = try OpenFlowEnvelope(xid: 1, message.message).encoded()
        let result = try Command.run(OVSOracleTests.ovsOfctl ?? "ovs-ofctl", ["ofp-print", Hex.string(bytes.readableBytesView)])
        #expect(result.status == 0, "\(result.stderr)")
        let normalised = { (text: String) in text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        #expect(normalised(result.stdout) == normalised(message.expected), "\(message.name)")
        #expect(try OpenFlowEnvelope.decode(bytes).message == message.message)
    }
}
