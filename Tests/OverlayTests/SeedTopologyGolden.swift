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

    /// goplane1: c1 (VNI 10) and c2 (VNI 11), 192.168.0.2, on ports 1 and 2.
    static let goplane1 = common + "\n" + """
    table:10 priority=100,metadata=0xa,in_port=1,dl_src=02:42:c0:a8:00:02 cookie:0x535000040000000a actions=goto_table:20
    table:10 priority=100,metadata=0xb,in_port=2,dl_src=02:42:c0:a8:00:02 cookie:0x535000040000000b actions=goto_table:20
    table:10 priority=101,icmp6,metadata=0xa,in_port=1,dl_src=02:42:c0:a8:00:02,icmp_type=135 cookie:0x535000150000000a actions=CONTROLLER:128,goto_table:20
    table:10 priority=101,icmp6,metadata=0xb,in_port=2,dl_src=02:42:c0:a8:00:02,icmp_type=135 cookie:0x535000150000000b actions=CONTROLLER:128,goto_table:20
    table:20 priority=110,arp,metadata=0xa,in_port=1,arp_tpa=192.168.0.2 cookie:0x535000070000000a actions=CONTROLLER:128
    table:20 priority=110,arp,metadata=0xb,in_port=2,arp_tpa=192.168.0.2 cookie:0x535000070000000b actions=CONTROLLER:128
    table:30 priority=100,metadata=0xa,dl_dst=02:42:c0:a8:00:02 cookie:0x5350000b0000000a actions=output:1
    table:30 priority=100,metadata=0xb,dl_dst=02:42:c0:a8:00:02 cookie:0x5350000b0000000b actions=output:2
    table:30 priority=100,metadata=0xa,dl_dst=02:42:c0:a8:00:03 cookie:0x5350000c0000000a actions=set_field:0xa->tun_id,set_field:10.9.9.3->tun_dst,output:100
    table:30 priority=100,metadata=0xa,dl_dst=02:42:c0:a8:00:04 cookie:0x5350000c0000000a actions=set_field:0xa->tun_id,set_field:10.9.9.4->tun_dst,output:100
    table:30 priority=100,metadata=0xb,dl_dst=02:42:c0:a8:00:03 cookie:0x5350000c0000000b actions=set_field:0xb->tun_id,set_field:10.9.9.3->tun_dst,output:100
    table:30 priority=100,metadata=0xb,dl_dst=02:42:c0:a8:00:04 cookie:0x5350000c0000000b actions=set_field:0xb->tun_id,set_field:10.9.9.4->tun_dst,output:100
    """

    /// goplane2: c3 (VNI 10) and c4 (VNI 11), 192.168.0.3, on ports 1 and 2.
    static let goplane2 = common + "\n" + """
    table:10 priority=100,metadata=0xa,in_port=1,dl_src=02:42:c0:a8:00:03 cookie:0x535000040000000a actions=goto_table:20
    table:10 priority=100,metadata=0xb,in_port=2,dl_src=02:42:c0:a8:00:03 cookie:0x535000040000000b actions=goto_table:20
    table:10 priority=101,icmp6,metadata=0xa,in_port=1,dl_src=02:42:c0:a8:00:03,icmp_type=135 cookie:0x535000150000000a actions=CONTROLLER:128,goto_table:20
    table:10 priority=101,icmp6,metadata=0xb,in_port=2,dl_src=02:42:c0:a8:00:03,icmp_type=135 cookie:0x535000150000000b actions=CONTROLLER:128,goto_table:20
    table:20 priority=110,arp,metadata=0xa,in_port=1,arp_tpa=192.168.0.3 cookie:0x535000070000000a actions=CONTROLLER:128
    table:20 priority=110,arp,metadata=0xb,in_port=2,arp_tpa=192.168.0.3 cookie:0x535000070000000b actions=CONTROLLER:128
    table:30 priority=100,metadata=0xa,dl_dst=02:42:c0:a8:00:03 cookie:0x5350000b0000000a actions=output:1
    table:30 priority=100,metadata=0xb,dl_dst=02:42:c0:a8:00:03 cookie:0x5350000b0000000b actions=output:2
    table:30 priority=100,metadata=0xa,dl_dst=02:42:c0:a8:00:02 cookie:0x5350000c0000000a actions=set_field:0xa->tun_id,set_field:10.9.9.2->tun_dst,output:100
    table:30 priority=100,metadata=0xa,dl_dst=02:42:c0:a8:00:04 cookie:0x5350000c0000000a actions=set_field:0xa->tun_id,set_field:10.9.9.4->tun_dst,output:100
    table:30 priority=100,metadata=0xb,dl_dst=02:42:c0:a8:00:02 cookie:0x5350000c0000000b actions=set_field:0xb->tun_id,set_field:10.9.9.2->tun_dst,output:100
    table:30 priority=100,metadata=0xb,dl_dst=02:42:c0:a8:00:04 cookie:0x5350000c0000000b actions=set_field:0xb->tun_id,set_field:10.9.9.4->tun_dst,output:100
    """

    /// goplane3: c5 (VNI 10) and c6 (VNI 11), 192.168.0.4, on ports 1 and 2.
    static let goplane3 = common + "\n" + """
    table:10 priority=100,metadata=0xa,in_port=1,dl_src=02:42:c0:a8:00:04 cookie:0x535000040000000a actions=goto_table:20
    table:10 priority=100,metadata=0xb,in_port=2,dl_src=02:42:c0:a8:00:04 cookie:0x535000040000000b actions=goto_table:20
    table:10 priority=101,icmp6,metadata=0xa,in_port=1,dl_src=02:42:c0:a8:00:04,icmp_type=135 cookie:0x535000150000000a actions=CONTROLLER:128,goto_table:20
    table:10 priority=101,icmp6,metadata=0xb,in_port=2,dl_src=02:42:c0:a8:00:04,icmp_type=135 cookie:0x535000150000000b actions=CONTROLLER:128,goto_table:20
    table:20 priority=110,arp,metadata=0xa,in_port=1,arp_tpa=192.168.0.4 cookie:0x535000070000000a actions=CONTROLLER:128
    table:20 priority=110,arp,metadata=0xb,in_port=2,arp_tpa=192.168.0.4 cookie:0x535000070000000b actions=CONTROLLER:128
    table:30 priority=100,metadata=0xa,dl_dst=02:42:c0:a8:00:04 cookie:0x5350000b0000000a actions=output:1
    table:30 priority=100,metadata=0xb,dl_dst=02:42:c0:a8:00:04 cookie:0x5350000b0000000b actions=output:2
    table:30 priority=100,metadata=0xa,dl_dst=02:42:c0:a8:00:02 cookie:0x5350000c0000000a actions=set_field:0xa->tun_id,set_field:10.9.9.2->tun_dst,output:100
    table:30 priority=100,metadata=0xa,dl_dst=02:42:c0:a8:00:03 cookie:0x5350000c0000000a actions=set_field:0xa->tun_id,set_field:10.9.9.3->tun_dst,output:100
    table:30 priority=100,metadata=0xb,dl_dst=02:42:c0:a8:00:02 cookie:0x5350000c0000000b actions=set_field:0xb->tun_id,set_field:10.9.9.2->tun_dst,output:100
    table:30 priority=100,metadata=0xb,dl_dst=02:42:c0:a8:00:03 cookie:0x5350000c0000000b actions=set_field:0xb->tun_id,set_field:10.9.9.3->tun_dst,output:100
    """
}
