#!/usr/bin/env bash
# Captures real EVPN UPDATEs from GoBGP and FRR on loopback into
# bgp-evpn-reflection.pcap (see bgp.manifest). Run as root from anywhere:
#   Fixtures/capture-bgp.sh
#
# Topology, all iBGP in AS 65000, every session on 127.0.0.x:
#   gobgpd 127.0.0.2 (originates) -> gobgpd 127.0.0.1 (route reflector,
#   cluster 127.0.0.1) -> FRR bgpd 127.0.0.3 (client of .1, and route
#   reflector for .4) -> gobgpd 127.0.0.4 (FRR's client).
# So the capture holds GoBGP's own encoding (.2 -> .1), GoBGP reflecting with
# ORIGINATOR_ID/CLUSTER_LIST (.1 -> .3) and FRR reflecting (.3 -> .4).
# GoBGP adds ORIGINATOR_ID/CLUSTER_LIST only towards its clients, so .3 is one.
# The VTEP next hop 10.0.0.2 is only a value inside BGP: no traffic goes to it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/bgp-evpn-reflection.pcap"
work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$p" 2>/dev/null || true
    done
    [ -f "$work/frr.pid" ] && kill "$(cat "$work/frr.pid")" 2>/dev/null || true
    if [ -n "${KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

gobgp_conf() {  # id port neighbor... (each "addr:remote-port:rr-client")
    local id=$1 port=$2; shift 2
    printf '[global.config]\n  as = 65000\n  router-id = "%s"\n  port = %s\n  local-address-list = ["%s"]\n' "$id" "$port" "$id"
    for n in "$@"; do
        IFS=: read -r addr rport client <<<"$n"
        printf '[[neighbors]]\n  [neighbors.config]\n    neighbor-address = "%s"\n    peer-as = 65000\n' "$addr"
        printf '  [neighbors.timers.config]\n    connect-retry = 1\n'
        printf '  [neighbors.transport.config]\n    remote-port = %s\n    local-address = "%s"\n' "$rport" "$id"
        if [ "$client" = yes ]; then
            printf '  [neighbors.route-reflector.config]\n    route-reflector-client = true\n    route-reflector-cluster-id = "%s"\n' "$id"
        fi
        printf '  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      afi-safi-name = "l2vpn-evpn"\n'
    done
}

gobgp_conf 127.0.0.1 11790 127.0.0.2:11790:yes 127.0.0.3:11791:yes >"$work/rr.toml"
gobgp_conf 127.0.0.2 11790 127.0.0.1:11790:no >"$work/origin.toml"
gobgp_conf 127.0.0.4 11790 127.0.0.3:11791:no >"$work/leaf.toml"

cat >"$work/frr.conf" <<'FRR'
frr defaults traditional
hostname frr-rr
log stdout informational
router bgp 65000
 bgp router-id 127.0.0.3
 no bgp default ipv4-unicast
 bgp cluster-id 127.0.0.3
 neighbor 127.0.0.1 remote-as 65000
 neighbor 127.0.0.1 port 11790
 neighbor 127.0.0.1 update-source 127.0.0.3
 neighbor 127.0.0.1 timers connect 1
 neighbor 127.0.0.4 remote-as 65000
 neighbor 127.0.0.4 port 11790
 neighbor 127.0.0.4 update-source 127.0.0.3
 neighbor 127.0.0.4 timers connect 1
 address-family l2vpn evpn
  neighbor 127.0.0.1 activate
  neighbor 127.0.0.4 activate
  neighbor 127.0.0.4 route-reflector-client
 exit-address-family
FRR

tcpdump -i lo -w "$out" -U 'tcp portrange 11790-11791' 2>"$work/tcpdump.log" &
pids+=($!)
sleep 1

gobgpd -f "$work/rr.toml" --api-hosts 127.0.0.1:50061 --pprof-disable -p >"$work/rr.log" 2>&1 &
pids+=($!)
gobgpd -f "$work/origin.toml" --api-hosts 127.0.0.1:50062 --pprof-disable -p >"$work/origin.log" 2>&1 &
pids+=($!)
gobgpd -f "$work/leaf.toml" --api-hosts 127.0.0.1:50064 --pprof-disable -p >"$work/leaf.log" 2>&1 &
pids+=($!)
/usr/lib/frr/bgpd -f "$work/frr.conf" -i "$work/frr.pid" --vty_socket "$work" -Z -n -l 127.0.0.3 -p 11791 \
    -S >"$work/frr.log" 2>&1 &
pids+=($!)

# Wait for the three GoBGP sessions to be up.
for _ in $(seq 60); do
    up=$( (gobgp -p 50061 neighbor; gobgp -p 50062 neighbor; gobgp -p 50064 neighbor) 2>/dev/null | grep -c Establ || true)
    [ "$up" -ge 4 ] && break
    sleep 0.5
done
echo "sessions established: $up of 4"

# The routes the tests check field by field (BGPTests/RealPeerTests.swift).
gobgp -p 50062 global rib add -a evpn macadv 52:54:00:12:34:56 10.0.0.11 etag 0 label 10000 rd 10.0.0.2:5 \
    rt 65000:10000 encap vxlan nexthop 10.0.0.2
gobgp -p 50062 global rib add -a evpn macadv 52:54:00:12:34:57 2001:db8::12 etag 0 label 10001 rd 10.0.0.2:6 \
    rt 65000:10001 encap vxlan nexthop 10.0.0.2
gobgp -p 50062 global rib add -a evpn multicast 10.0.0.2 etag 0 rd 10.0.0.2:5 rt 65000:10000 encap vxlan \
    pmsi ingress-repl 10000 10.0.0.2 nexthop 10.0.0.2

# Until FRR's client has all three reflected routes.
for _ in $(seq 40); do
    n=$(gobgp -p 50064 global rib -a evpn 2>/dev/null | grep -c 'type:' || true)
    [ "$n" -ge 3 ] && break
    sleep 0.5
done
echo "routes at FRR's client: $n of 3"
gobgp -p 50064 global rib -a evpn
sleep 1
