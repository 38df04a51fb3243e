import Foundation
import OVSDB
import OVSDBClient
import NetAddress
import Synchronization
import Testing
import TestSupport

/// The client against a real ovsdb-server (the private OVS sandbox): ports
/// appear, change and go as ovs-vsctl makes them, pushed by the server's
/// monitor (the client never polls), and a server restart is survived.
@Suite(
    "OVSDB client against ovsdb-server",
    .enabled(if: OVSSandbox.isAvailable, Comment(rawValue: OVSSandbox.unavailableReason ?? ""))
)
struct OVSDBServerTests {
    /// Every event with the time it arrived; filled by a task draining the client.
    final class EventLog: Sendable {
        let entries = Mutex<[(at: ContinuousClock.Instant, event: OVSDBEvent)]>([])

        /// Waits until an event after `from` (an index) satisfies `match`;
        /// returns its index and arrival time.
        func wait(
            after from: Int, timeout: Duration = .seconds(5), _ match: (OVSDBEvent) -> Bool
        ) async throws -> (index: Int, at: ContinuousClock.Instant)? {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                let found: (Int, ContinuousClock.Instant)? = entries.withLock { entries in
                    for i in entries.indices where i >= from && match(entries[i].event) { return (i, entries[i].at) }
                    return nil
                }
                if let found { return found }
                try await Task.sleep(for: .milliseconds(5))
            }
            return nil
        }

        var count: Int { entries.withLock { $0.count } }
    }

    static func replica(_ event: OVSDBEvent) -> OVSDBReplica? {
        switch event {
        case .synchronized(let r), .changed(let r, _): return r
        case .disconnected: return nil
        }
    }

    static func attached(_ event: OVSDBEvent, _ name: String) -> AttachedPort? {
        replica(event)?.attachedPorts.ports.first { $0.name == name }
    }

    @Test("ports added, changed and deleted are seen at once; a server restart is survived")
    func followsPorts() async throws {
        try await OVSSandbox.with(hint: "ovsdb") { sandbox in
            let socket = try #require(sandbox.databaseSocket)
            let client = OVSDBClient(
                endpoint: try #require(OVSDBEndpoint("unix:\(socket)")),
                minimumBackoff: .milliseconds(50), maximumBackoff: .milliseconds(400))
            let log = EventLog()
            let consumer = Task {
                for await event in client.events() {
                    log.entries.withLock { $0.append((ContinuousClock.now, event)) }
                }
            }
            defer { consumer.cancel() }
            let bridge = sandbox.bridge

            // The initial reply: the bridge and its own internal port.
            // (Connecting is not what is timed here: allow for a loaded machine.)
            let initial = try #require(try await log.wait(after: 0, timeout: .seconds(30)) {
                if case .synchronized(let r) = $0 { return r.ports(onBridge: bridge).contains { $0.name == bridge && $0.ofport == 65534 } }
                return false
            }, "no initial replica with \(bridge)")

            // A tenant port: seen with its ofport within a second of ovs-vsctl returning.
            try sandbox.vsctl(
                "add-port", bridge, "p1", "--", "set", "Interface", "p1", "type=internal",
                "--", "set", "Port", "p1", "external_ids:vni=10", "external_ids:attached-mac=02:42:c0:a8:00:02",
                "external_ids:ip=192.168.0.2")
            let added = ContinuousClock.now
            let ofport = Int64(try sandbox.vsctl("get", "Interface", "p1", "ofport").trimmingCharacters(in: .whitespacesAndNewlines))
            let seen = try #require(try await log.wait(after: initial.index) {
                Self.attached($0, "p1")?.ofport != nil
            }, "p1 never appeared with an ofport")
            #expect(seen.at - added < .seconds(1))
            let p1 = try #require(log.entries.withLock { Self.attached($0[seen.index].event, "p1") })
            #expect(p1 == AttachedPort(
                bridge: bridge, name: "p1", ofport: ofport.map { UInt32($0) }, vni: 10,
                mac: EthernetAddress("02:42:c0:a8:00:02"), ips: [.v4(IPv4Address(192, 168, 0, 2))]))

            // The tenant changes.
            try sandbox.vsctl("set", "Port", "p1", "external_ids:vni=20")
            let changed = ContinuousClock.now
            let moved = try #require(try await log.wait(after: seen.index) { Self.attached($0, "p1")?.vni == 20 }, "vni change not seen")
            #expect(moved.at - changed < .seconds(1))

            // An invalid value is reported, naming field and value.
            try sandbox.vsctl("set", "Port", "p1", "external_ids:attached-mac=nonsense")
            let invalid = try #require(try await log.wait(after: moved.index) {
                Self.replica($0)?.attachedPorts.errors.contains {
                    $0.port == "p1" && $0.field == "external_ids:attached-mac" && $0.value == "nonsense"
                } ?? false
            }, "invalid MAC not reported")
            try sandbox.vsctl("remove", "Port", "p1", "external_ids", "attached-mac")

            // ovsdb-server restarts: the client reconnects and re-monitors.
            let beforeRestart = log.count
            try sandbox.restartDatabase()
            let down = try #require(try await log.wait(after: beforeRestart) {
                if case .disconnected = $0 { return true } else { return false }
            }, "no disconnect seen")
            let back = try #require(try await log.wait(after: down.index, timeout: .seconds(10)) {
                if case .synchronized = $0 { return Self.attached($0, "p1")?.vni == 20 } else { return false }
            }, "no resynchronisation after the restart")
            try sandbox.vsctl("set", "Port", "p1", "external_ids:vni=30")
            _ = try #require(try await log.wait(after: back.index) { Self.attached($0, "p1")?.vni == 30 }, "change after restart not seen")

            // The port goes.
            try sandbox.vsctl("del-port", bridge, "p1")
            let deleted = ContinuousClock.now
            let gone = try #require(try await log.wait(after: max(back.index, invalid.index)) {
                guard case .changed(let r, _) = $0 else { return false }
                return !r.ports(onBridge: bridge).contains { $0.name == "p1" }
            }, "deletion not seen")
            #expect(gone.at - deleted < .seconds(1))
        }
    }

    /// libvirt attaches a VM's tap with `add-port BR vnetN tag=VLAN` and puts
    /// `attached-mac`, `iface-id`, `iface-status` and `vm-id` on the Interface
    /// row; nothing on the Port row. Such a port joins as a container's does,
    /// and a key an operator later sets on the Port wins over the Interface's.
    @Test("a port shaped as libvirt writes it (keys on the Interface row) is an endpoint; the Port row wins")
    func libvirtInterfaceRow() async throws {
        try await OVSSandbox.with(hint: "virt") { sandbox in
            let socket = try #require(sandbox.databaseSocket)
            let client = OVSDBClient(endpoint: try #require(OVSDBEndpoint("unix:\(socket)")))
            let log = EventLog()
            let consumer = Task {
                for await event in client.events() { log.entries.withLock { $0.append((ContinuousClock.now, event)) } }
            }
            defer { consumer.cancel() }
            let bridge = sandbox.bridge
            let vmMAC = "52:54:00:12:34:56", ifaceID = "8a2f5a4e-7c1d-4e0b-9a43-3f1f2b6c0d11"
            try sandbox.vsctl(
                "--", "--if-exists", "del-port", "vnet0", "--", "add-port", bridge, "vnet0", "tag=10",
                "--", "set", "Interface", "vnet0", "type=internal",
                "--", "set", "Interface", "vnet0", "external-ids:attached-mac=\"\(vmMAC)\"",
                "--", "set", "Interface", "vnet0", "external-ids:iface-id=\"\(ifaceID)\"",
                "--", "set", "Interface", "vnet0", "external-ids:vm-id=\"0d5c1a2b-1111-2222-3333-444455556666\"",
                "--", "set", "Interface", "vnet0", "external-ids:iface-status=active")
            #expect(try sandbox.vsctl("get", "Port", "vnet0", "external_ids").trimmingCharacters(in: .whitespacesAndNewlines) == "{}")
            let seen = try #require(try await log.wait(after: 0, timeout: .seconds(30)) {
                Self.attached($0, "vnet0")?.ofport != nil
            }, "vnet0 never appeared")
            let vm = try #require(log.entries.withLock { Self.attached($0[seen.index].event, "vnet0") })
            #expect(vm.vni == 10)
            #expect(vm.mac == EthernetAddress(vmMAC))
            #expect(vm.ifaceID == ifaceID)
            #expect(vm.ips.isEmpty)

            // The operator puts the tenant and a MAC on the Port row: both win.
            try sandbox.vsctl("set", "Port", "vnet0", "external_ids:vni=77", "external_ids:attached-mac=\"02:00:00:00:00:77\"")
            let portWins = try #require(try await log.wait(after: seen.index) { Self.attached($0, "vnet0")?.vni == 77 }, "Port row's vni not seen")
            let overridden = try #require(log.entries.withLock { Self.attached($0[portWins.index].event, "vnet0") })
            #expect(overridden.mac == EthernetAddress("02:00:00:00:00:77"))
            #expect(overridden.ifaceID == ifaceID)

            // A bad value on the Interface row is reported as the Interface's.
            try sandbox.vsctl("remove", "Port", "vnet0", "external_ids", "attached-mac")
            try sandbox.vsctl("set", "Interface", "vnet0", "external-ids:attached-mac=nonsense")
            _ = try #require(try await log.wait(after: portWins.index) {
                Self.replica($0)?.attachedPorts.errors.contains {
                    $0.port == "vnet0" && $0.field == "Interface external_ids:attached-mac" && $0.value == "nonsense"
                } ?? false
            }, "bad Interface attached-mac not reported")
        }
    }
}
