/// The flow table each seed host must hold, as `ovs-ofctl ofp-print` prints
/// each flow's FLOW_MOD (after "ADD "). Written by hand from the pipeline's
/// contract (see Pipeline's documentation), one line per flow; the order of
/// lines does not matter.
///
/// Cookies: 0x5350 (swiftplane) | role << 32 | VNI.
enum SeedTopologyGolden {
    /// The lines every seed host holds (classify, tenant-wide address
    /// resolution, the ARP responder for all three containers, the ND
    /// fallbacks and the NA finisher, the drops).
    static let common = """
    priority=100,in_port=1 cookie:0x535000010000000a actions=write_metadata:0xa,goto_table:10
    priority=100,in_port=2 cookie:0x535000010000000b actions=write_metadata:0xb,goto_table:10
    priority=100,tun_id=0xa,in_port=100 cookie:0x535000020000000a actions=write_metadata:0xa,goto_table:30
    priority=100,tun_id=0xb,in_port=100 cookie:0x535000020000000b actions=write_metadata:0xb,goto_table:30
    priority=0 cookie:0x5350000300000000 actions=drop
    table:10 priority=0 cookie:0x5350000500000000 actions=CONTROLLER:128,goto_table:20
    table:20 priority=100,arp,metadata=0xa,arp_tpa=192.168.0.2,arp_op=1 cookie:0x535000060000000a actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:42:c0:a8:00:02->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:02:42:c0:a8:00:02->arp_sha,set_field:192.168.0.2->arp_spa,IN_PORT
    table:20 priority=100,arp,metadata=0xa,arp_tpa=192.168.0.3,arp_op=1 cookie:0x535000060000000a actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:42:c0:a8:00:03->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:02:42:c0:a8:00:03->arp_sha,set_field:192.168.0.3->arp_spa,IN_PORT
    table:20 priority=100,arp,metadata=0xa,arp_tpa=192.168.0.4,arp_op=1 cookie:0x535000060000000a actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:42:c0:a8:00:04->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:02:42:c0:a8:00:04->arp_sha,set_field:192.168.0.4->arp_spa,IN_PORT
    table:20 priority=100,arp,metadata=0xb,arp_tpa=192.168.0.2,arp_op=1 cookie:0x535000060000000b actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:42:c0:a8:00:02->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:02:42:c0:a8:00:02->arp_sha,set_field:192.168.0.2->arp_spa,IN_PORT
    table:20 priority=100,arp,metadata=0xb,arp_tpa=192.168.0.3,arp_op=1 cookie:0x535000060000000b actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:42:c0:a8:00:03->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:02:42:c0:a8:00:03->arp_sha,set_field:192.168.0.3->arp_spa,IN_PORT
    table:20 priority=100,arp,metadata=0xb,arp_tpa=192.168.0.4,arp_op=1 cookie:0x535000060000000b actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],set_field:02:42:c0:a8:00:04->eth_src,set_field:2->arp_op,move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],set_field:02:42:c0:a8:00:04->arp_sha,set_field:192.168.0.4->arp_spa,IN_PORT
    table:20 priority=50,arp,metadata=0xa cookie:0x535000080000000a actions=CONTROLLER:128
    table:20 priority=50,arp,metadata=0xb cookie:0x535000080000000b actions=CONTROLLER:128
    table:20 priority=50,icmp6,metadata=0xa,icmp_type=135 cookie:0x535000090000000a actions=CONTROLLER:128
    table:20 priority=50,icmp6,metadata=0xb,icmp_type=135 cookie:0x535000090000000b actions=CONTROLLER:128
    table:20 priority=110,icmp6,metadata=0xa,ipv6_src=::,icmp_type=135 cookie:0x535000090000000a actions=CONTROLLER:128
    table:20 priority=110,icmp6,metadata=0xb,ipv6_src=::,icmp_type=135 cookie:0x535000090000000b actions=CONTROLLER:128
    table:20 priority=110,icmp6,metadata=0xa,icmp_type=135,nd_sll=00:00:00:00:00:00 cookie:0x535000090000000a actions=CONTROLLER:128
    table:20 priority=110,icmp6,metadata=0xb,icmp_type=135,nd_sll=00:00:00:00:00:00 cookie:0x535000090000000b actions=CONTROLLER:128
    table:20 priority=0 cookie:0x5350000a00000000 actions=goto_table:30
    table:21 priority=100,icmp6,icmp_type=136,icmp_code=0 cookie:0x5350001700000000 actions=move:NXM_OF_ETH_SRC[]->NXM_NX_ND_TLL[],IN_PORT
    table:30 priority=50,metadata=0xa,dl_dst=ff:ff:ff:ff:ff:ff cookie:0x5350000d0000000a actions=drop
    table:30 priority=50,metadata=0xb,dl_dst=ff:ff:ff:ff:ff:ff cookie:0x5350000d0000000b actions=drop
    table:30 priority=40,metadata=0xa,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 cookie:0x5350000e0000000a actions=drop
    table:30 priority=40,metadata=0xb,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 cookie:0x5350000e0000000b actions=drop
    table:30 priority=10,metadata=0xa cookie:0x5350000f0000000a actions=drop
    table:30 priority=10,metadata=0xb cookie:0x5350000f0000000b actions=drop
    table:30 priority=0 cookie:0x5350001000000000 actions=drop
    """

    /// The lines of the seed host whose containers are 192.168.0.`x` (VNI 10
    /// on port 1, VNI 11 on port 2; goplane1 holds c1 and c2 at .2, goplane2
    /// c3 and c4 at .3, goplane3 c5 and c6 at .4): its own containers'
    /// classify-by-source, ND snooping, ARP punt and delivery, then for each
    /// `r` of `remotes` the tunnel to 192.168.0.`r` behind VTEP 10.9.9.`r`.
    static func host(_ x: Int, remotes: [Int]) -> String {
        let own = """
        table:10 priority=100,metadata=0xa,in_port=1,dl_src=02:42:c0:a8:00:0\(x) cookie:0x535000040000000a actions=goto_table:20
        table:10 priority=100,metadata=0xb,in_port=2,dl_src=02:42:c0:a8:00:0\(x) cookie:0x535000040000000b actions=goto_table:20
        table:10 priority=101,icmp6,metadata=0xa,in_port=1,dl_src=02:42:c0:a8:00:0\(x),icmp_type=135 cookie:0x535000150000000a actions=CONTROLLER:128,goto_table:20
        table:10 priority=101,icmp6,metadata=0xb,in_port=2,dl_src=02:42:c0:a8:00:0\(x),icmp_type=135 cookie:0x535000150000000b actions=CONTROLLER:128,goto_table:20
        table:20 priority=110,arp,metadata=0xa,in_port=1,arp_tpa=192.168.0.\(x) cookie:0x535000070000000a actions=CONTROLLER:128
        table:20 priority=110,arp,metadata=0xb,in_port=2,arp_tpa=192.168.0.\(x) cookie:0x535000070000000b actions=CONTROLLER:128
        table:30 priority=100,metadata=0xa,dl_dst=02:42:c0:a8:00:0\(x) cookie:0x5350000b0000000a actions=output:1
        table:30 priority=100,metadata=0xb,dl_dst=02:42:c0:a8:00:0\(x) cookie:0x5350000b0000000b actions=output:2
        """
        let tunnels = remotes.flatMap { r in
            ["a", "b"].map { vni in
                "table:30 priority=100,metadata=0x\(vni),dl_dst=02:42:c0:a8:00:0\(r) cookie:0x5350000c0000000\(vni) "
                    + "actions=set_field:0x\(vni)->tun_id,set_field:10.9.9.\(r)->tun_dst,output:100"
            }
        }
        return ([common, own] + tunnels).joined(separator: "\n")
    }

    static let goplane1 = host(2, remotes: [3, 4])
    static let goplane2 = host(3, remotes: [2, 4])
    static let goplane3 = host(4, remotes: [2, 3])
}
