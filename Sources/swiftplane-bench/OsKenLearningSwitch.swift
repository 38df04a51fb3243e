import Foundation

/// The os-ken side of the comparison. Debian's python3-os-ken does not ship
/// os_ken.app.simple_switch_13, so the run writes this app to a temporary
/// file: the same learning switch, written for this project against os-ken's
/// API in the usual style of its sample apps (parse with os_ken.lib.packet,
/// table-miss flow at connect, one log line per packet-in, FLOW_MOD with
/// in_port/eth_src/eth_dst then PACKET_OUT, else flood).
enum OsKenLearningSwitch {
    static let source = #"""
    from os_ken.base import app_manager
    from os_ken.controller import ofp_event
    from os_ken.controller.handler import CONFIG_DISPATCHER, MAIN_DISPATCHER, set_ev_cls
    from os_ken.lib.packet import ethernet, packet
    from os_ken.ofproto import ofproto_v1_3


    class BenchLearningSwitch(app_manager.OSKenApp):
        """Learns (datapath, source MAC) -> port; forwards to known ports, floods the rest."""

        OFP_VERSIONS = [ofproto_v1_3.OFP_VERSION]

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.ports = {}

        @set_ev_cls(ofp_event.EventOFPSwitchFeatures, CONFIG_DISPATCHER)
        def on_features(self, ev):
            dp = ev.msg.datapath
            ofp, parser = dp.ofproto, dp.ofproto_parser
            to_controller = [parser.OFPActionOutput(ofp.OFPP_CONTROLLER, ofp.OFPCML_NO_BUFFER)]
            self.install(dp, 0, parser.OFPMatch(), to_controller)

        def install(self, dp, priority, match, actions):
            ofp, parser = dp.ofproto, dp.ofproto_parser
            apply = [parser.OFPInstructionActions(ofp.OFPIT_APPLY_ACTIONS, actions)]
            dp.send_msg(parser.OFPFlowMod(datapath=dp, priority=priority, match=match, instructions=apply))

        @set_ev_cls(ofp_event.EventOFPPacketIn, MAIN_DISPATCHER)
        def on_packet_in(self, ev):
            msg = ev.msg
            dp = msg.datapath
            ofp, parser = dp.ofproto, dp.ofproto_parser
            in_port = msg.match['in_port']
            frame = packet.Packet(msg.data).get_protocols(ethernet.ethernet)[0]
            table = self.ports.setdefault(dp.id, {})
            self.logger.info("packet in %s %s %s %s", dp.id, frame.src, frame.dst, in_port)
            table[frame.src] = in_port
            out_port = table.get(frame.dst, ofp.OFPP_FLOOD)
            actions = [parser.OFPActionOutput(out_port)]
            if out_port != ofp.OFPP_FLOOD:
                self.install(dp, 1, parser.OFPMatch(in_port=in_port, eth_dst=frame.dst, eth_src=frame.src), actions)
            data = msg.data if msg.buffer_id == ofp.OFP_NO_BUFFER else None
            dp.send_msg(parser.OFPPacketOut(datapath=dp, buffer_id=msg.buffer_id, in_port=in_port,
                                            actions=actions, data=data))
    """#

    /// Writes the app into a new temporary folder; returns the file's path.
    static func write() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swiftplane-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("bench_learning_switch.py")
        try Data(source.utf8).write(to: file)
        return file
    }
}
