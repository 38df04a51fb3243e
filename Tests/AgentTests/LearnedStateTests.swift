import Agent
import Foundation
import Overlay
import Packets
import Testing
import TestSupport
@testable import swiftplane_agent

/// The gleaned endpoints survive a restart through `LearnedState`: what a
/// core gleaned is what a new core restores, silences and the time away
/// counted; entries that no longer fit are left out, each with its reason.
struct LearnedStateTests {
    typealias Entry = LearnedState.GleanedEndpoint

    static func entry(mac: String = "02:00:00:00:00:01", vni: UInt32 = 10, bridge: String = "br0", port: UInt32 = 1,
                      ipv4: [String] = ["192.168.0.1"], silent: Double = 1, sequence: UInt32? = nil) -> Entry {
        Entry(bridge: bridge, vni: vni, mac: mac, ipv4: ipv4, ipv6: ["fd00::1"], port: port, silentSeconds: silent,
              mobilitySequence: sequence)
    }

    @Test func gleanedEndpointsComeBackInANewCore() throws {
        let t0 = ContinuousClock.now
        var before = core(gleanedExpiry: .seconds(300))
        // a's ARP request: a is gleaned on port 1 with its IPv4 address.
        _ = before.handlePacketIn(packetIn(try fixture("arp-request-reply.pcap")[0], port: 1), bridge: "br0", at: t0)
        let saved = before.learnedState(at: t0 + .seconds(4))
        #expect(saved.gleaned.map(\.mac) == ["\(macA)"] && saved.gleaned.first?.silentSeconds == 4, "\(saved)")

        var after = core(gleanedExpiry: .seconds(300))
        let t1 = ContinuousClock.now
        let report = after.restore(saved, downtime: .seconds(10), at: t1)
        #expect(report == LearnedStateRestore(restored: 1, skipped: []))
        #expect(after.gleanedKeys(bridge: "br0") == before.gleanedKeys(bridge: "br0"))
        #expect(after.localEndpoints == before.localEndpoints)
        #expect(after.advertisements == before.advertisements)
        // Silent 4 s before the save, away 10 s: 14 s at restore.
        #expect(after.learnedState(at: t1).gleaned.first?.silentSeconds == 14)
        // It still expires on time: 300 s after it was last seen, not after the restart.
        #expect(after.expireSilent(at: t1 + .seconds(285)).isEmpty)
        #expect(after.expireSilent(at: t1 + .seconds(287)).map(\.mac) == [macA])
    }

    @Test func mobilitySequenceIsKept() {
        var agent = core()
        let report = agent.restore(LearnedState(gleaned: [Self.entry(sequence: 7)]), at: .now)
        #expect(report.restored == 1)
        #expect(agent.mobilitySequence(EndpointKey(vni: vni, mac: macA)) == 7)
        #expect(agent.learnedState(at: .now).gleaned.first?.mobilitySequence == 7)
        #expect(agent.advertisements.compactMap(mobility).contains(7))
    }

    struct LeftOut: NamedRow {
        var name: String
        var entry: Entry
        var downtime: Duration = .zero
        var reason: String
    }

    static let leftOut: [LeftOut] = [
        LeftOut(name: "bridge gone", entry: entry(bridge: "br9"), reason: "br9 VNI 10 02:00:00:00:00:01: bridge not configured"),
        LeftOut(name: "VNI gone", entry: entry(vni: 11), reason: "br0 VNI 11 02:00:00:00:00:01: VNI not configured"),
        LeftOut(name: "VNI out of range", entry: entry(vni: 1 << 24), reason: "br0 VNI 16777216 02:00:00:00:00:01: vni 16777216: not a 24-bit VNI"),
        LeftOut(name: "port 0", entry: entry(port: 0),
                reason: "br0 VNI 10 02:00:00:00:00:01: port 0: not a switch port number in 1...4294967040"),
        LeftOut(name: "a reserved port (LOCAL)", entry: entry(port: 0xffff_fffe),
                reason: "br0 VNI 10 02:00:00:00:00:01: port 4294967294: not a switch port number in 1...4294967040"),
        LeftOut(name: "silence past the range", entry: entry(silent: 1e300),
                reason: "br0 VNI 10 02:00:00:00:00:01: silentSeconds 1e+300: not in 0.0...1000000000.0"),
        LeftOut(name: "bad MAC", entry: entry(mac: "02:00:00:00:00"), reason: "br0 VNI 10 02:00:00:00:00: not a MAC address"),
        LeftOut(name: "bad IP", entry: entry(ipv4: ["192.168.0.300"]), reason: "br0 VNI 10 02:00:00:00:00:01: a malformed IP address"),
        LeftOut(name: "negative silence", entry: entry(silent: -1), reason: "br0 VNI 10 02:00:00:00:00:01: silentSeconds -1.0: not in 0.0...1000000000.0"),
        LeftOut(name: "silent past the expiry", entry: entry(silent: 301),
                reason: "br0 VNI 10 02:00:00:00:00:01: silent for 301.0 seconds, past the expiry of 300.0 seconds"),
        LeftOut(name: "the time away makes it expire", entry: entry(silent: 200), downtime: .seconds(100),
                reason: "br0 VNI 10 02:00:00:00:00:01: silent for 300.0 seconds, past the expiry of 300.0 seconds"),
        LeftOut(name: "configured now", entry: entry(mac: "02:00:00:00:00:0c"), reason: "br0 VNI 10 02:00:00:00:00:0c: configured now"),
    ]

    @Test(arguments: leftOut)
    func entryIsLeftOutWithItsReason(_ c: LeftOut) {
        let configured = Endpoint(vni: vni, mac: EthernetAddress(0x02, 0, 0, 0, 0, 0x0c), location: .local(port: 2))
        var agent = core(endpoints: [configured], gleanedExpiry: .seconds(300))
        let kept = Self.entry(mac: "02:00:00:00:00:0b", port: 2)
        let report = agent.restore(LearnedState(gleaned: [c.entry, kept]), downtime: c.downtime, at: .now)
        #expect(report == LearnedStateRestore(restored: 1, skipped: [c.reason]))
        #expect(agent.learnedState(at: .now).gleaned.map(\.mac) == [kept.mac])
    }

    @Test func limitAndVersionAreKept() {
        var agent = core(maximumGleaned: 1)
        let report = agent.restore(LearnedState(gleaned: [Self.entry(), Self.entry(mac: "02:00:00:00:00:02")]), at: .now)
        #expect(report.restored == 1 && report.skipped == ["br0 VNI 10 02:00:00:00:00:02: over the limit of 1 gleaned endpoints per VNI"])
        var future = LearnedState(gleaned: [Self.entry()])
        future.version = 2
        var fresh = core()
        #expect(fresh.restore(future, at: .now) == LearnedStateRestore(restored: 0, skipped: ["version 2: this agent reads version 1"]))
    }

    @Test func endpointOnAPortThatLeftItsVNIGoesWhenThePortsAreKnown() {
        var agent = AgentCore(settings: .init(vtep: localVTEP, tenants: [.init(instance: instance)], vxlanPorts: ["br0": 100]))
        // Restored before OVSDB reported any port, as at a start.
        #expect(agent.restore(LearnedState(gleaned: [Self.entry(port: 1), Self.entry(mac: "02:00:00:00:00:02", port: 2)]), at: .now).restored == 2)
        agent.setPorts(.init(ports: [1: vni]), bridge: "br0")
        #expect(agent.learnedState(at: .now).gleaned.map(\.mac) == ["02:00:00:00:00:01"])
        // Not silently: the daemon logs each with its reason.
        #expect(agent.takeDroppedGleaned() == ["br0 VNI 10 02:00:00:00:00:02: port 2 is not a tenant port now"])
        #expect(agent.takeDroppedGleaned().isEmpty)
    }
}

/// The state file on disk: written whole, read back equal; a missing one is
/// a first start; a bad one is an error that names the file and the field.
struct LearnedStateFileTests {
    @Test func savedStateReadsBackEqual() throws {
        let folder = try TemporaryFolder.create("state-file")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = LearnedStateFile(path: folder.appendingPathComponent("var/lib/swiftplane/agent-state.json").path)
        #expect(try file.load() == nil)
        var state = LearnedState(gleaned: [LearnedStateTests.entry(sequence: 3), LearnedStateTests.entry(mac: "02:00:00:00:00:02")])
        state.savedAt = 1_764_000_000.5
        try file.save(state)
        #expect(try file.load() == state)
        var attributes = stat()
        #expect(stat(file.path, &attributes) == 0 && attributes.st_mode & 0o777 == 0o600)
        // A second save replaces it, leaving no temporary file behind.
        try file.save(LearnedState())
        #expect(try file.load() == LearnedState())
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("var/lib/swiftplane").path) == ["agent-state.json"])
    }

    @Test(arguments: [
        ("not json", "not a state file: The given data was not valid JSON."),
        (#"{"version": 1}"#, "not a state file: No value associated with key"),
        (#"{"version": 1, "gleaned": [{"bridge": "br0"}]}"#, "not a state file: gleaned[0]"),
        (#"{"version": "one", "gleaned": []}"#, "not a state file: version: "),
        (#"{"version": 1, "savedAt": -1e300, "gleaned": []}"#, "not a state file: savedAt: -1e+300 is not a time in 0.0...95000000000.0"),
        (#"{"version": 1, "gleaned": [{"bridge": "br0", "vni": 4294967296, "mac": "02:00:00:00:00:01", "ipv4": [], "ipv6": [], "port": 1, "silentSeconds": 0}]}"#,
         "not a state file: gleaned[0].vni: 4294967296.0 is not an integer in 0...4294967295"),
        (#"{"version": 1e300, "gleaned": []}"#, "not a state file: version: 1e+300 is not an integer in"),
    ])
    func badFileNamesItselfAndTheField(text: String, expected: String) throws {
        let folder = try TemporaryFolder.create("state-file")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("agent-state.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let error = #expect(throws: LearnedStateFile.Failure.self) { try LearnedStateFile(path: path).load() }
        #expect(error?.description.hasPrefix("state file \(path): \(expected)") == true, "\(String(describing: error))")
    }
}
