import NIOCore
import OpenFlow
import Testing

/// The text of instructions and actions that the admin API's flow views
/// print, in Open vSwitch's spellings.
@Suite struct InstructionTextTests {
    static let tunnel = Instruction.applyActions([.setField(OXMField(.tunID, 10)),
                                                  .setField(.tunnelIPv4Destination(0x0a09_093d)), .output(100)])

    @Test(arguments: [
        (Instruction.gotoTable(30), "goto_table:30"),
        (.writeMetadata(0xa, mask: .max), "write_metadata:0xa"),
        (.writeMetadata(0xa, mask: 0xffff_ffff), "write_metadata:0xa/0xffffffff"),
        (tunnel, "apply_actions(set_field:0xa->tun_id,set_field:10.9.9.61->tun_ipv4_dst,output:100)"),
        (.writeActions([.group(7)]), "write_actions(group:7)"),
        (.clearActions, "clear_actions"),
        (.meter(3), "meter:3"),
        (.unknown(type: 9, body: ByteBuffer(bytes: [0, 0, 0, 0])), "instruction(type=9,4 octets)"),
    ] as [(Instruction, String)])
    func instruction(_ instruction: Instruction, _ text: String) {
        #expect(instruction.description == text)
    }

    @Test(arguments: [
        (Action.output(port: OpenFlowPort.controller, maxLength: 128), "CONTROLLER:128"),
        (.output(OpenFlowPort.inPort), "IN_PORT"),
        (.setField(OXMField(.ethSrc, bytes: [0x02, 0x5c, 0, 0, 0, 1])), "set_field:02:5c:00:00:00:01->eth_src"),
        (.setField(OXMField(.arpSPA, 0x0a80_0002)), "set_field:10.128.0.2->arp_spa"),
        (.setField(OXMField(.arpOp, 2)), "set_field:0x2->arp_op"),
        (.setField(OXMField(.vlanVID, 0x1064, mask: 0x1fff)), "set_field:0x1064/0x1fff->vlan_vid"),
        (.pushVLAN(etherType: 0x8100), "push_vlan:0x8100"),
        (.decNetworkTTL, "dec_ttl"),
        (.nicira(.regMove(bits: 48, sourceOffset: 0, destinationOffset: 0, source: NXMField.ofEthSrc.header,
                          destination: NXMField.ofEthDst.header)), "move:nxm_of_eth_src[0..47]->nxm_of_eth_dst[0..47]"),
        (.nicira(.regLoad(offset: 0, bits: 16, destination: NXMField.ofARPOp.header, value: 2)), "load:0x2->nxm_of_arp_op[0..15]"),
        (.nicira(.resubmitTable(inPort: 0xfff8, table: 20)), "resubmit(,20)"),
        (.experimenter(id: 0x2320, body: ByteBuffer(bytes: [0, 1])), "experimenter(id=0x2320,2 octets)"),
    ] as [(Action, String)])
    func action(_ action: Action, _ text: String) {
        #expect(action.description == text)
    }
}
