/// goplane-style flows for one host, written by hand from the design notes'
/// pipeline: they stand in for the agent (which does not exist yet) so the
/// demo's topology can be proven to carry the overlay. They belong to the
/// tests only; `deploy/demo` never installs a flow on br0.
///
///   table 0   local port + source MAC -> metadata = VNI; tunnel + tun_id -> metadata
///   table 20  ARP request for a known IP in the VNI: answered in OVS, out IN_PORT;
///             any other ARP dropped
///   table 30  (VNI, eth_dst) -> local port, or tun_id + tun_dst + VXLAN port;
///             everything else (broadcast, multicast, unknown) misses and drops
enum StaticOverlayFlows {
    static func flows(for host: String, endpoints: [DemoEndpoint], vteps: [String: String], vxlanOfport: Int) -> [String] {
        var flows: [String] = []
        for vni in Set(endpoints.map(\.vni)).sorted() {
            flows.append("table=0,priority=100,in_port=\(vxlanOfport),tun_id=\(vni),actions=write_metadata:\(vni),goto_table:20")
        }
        for endpoint in endpoints {
            let vni = endpoint.vni, mac = endpoint.mac
            if endpoint.host == host {
                flows.append("table=0,priority=100,in_port=\(endpoint.ofport),dl_src=\(mac),actions=write_metadata:\(vni),goto_table:20")
                flows.append("table=30,priority=100,metadata=\(vni),dl_dst=\(mac),actions=output:\(endpoint.ofport)")
            } else if let vtep = vteps[endpoint.host] {
                flows.append("table=30,priority=100,metadata=\(vni),dl_dst=\(mac),actions=set_field:\(vni)->tun_id,set_field:\(vtep)->tun_dst,output:\(vxlanOfport)")
            }
            // The request becomes its own reply: who asked becomes the target,
            // the endpoint becomes the sender, and it leaves where it came in.
            flows.append("table=20,priority=100,metadata=\(vni),arp,arp_op=1,arp_tpa=\(endpoint.ip),actions="
                + "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:\(mac)->eth_src,set_field:2->arp_op,"
                + "move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],"
                + "set_field:\(mac)->arp_sha,set_field:\(endpoint.ip)->arp_spa,IN_PORT")
        }
        flows.append("table=20,priority=50,arp,actions=drop")
        flows.append("table=20,priority=0,actions=goto_table:30")
        return flows
    }
}
