import Foundation
import MRT
import Testing
import TestSupport

/// swiftplane-rr's MRT dumps read by Debian's bgpdump and by our decoder: a
/// GoBGP client's type-2 route arrives in the update dump as a
/// BGP4MP_ET/MESSAGE_AS4 record of its UPDATE (bgpdump prints it with its
/// peer and attributes), and `swiftplanectl mrt table-dump` writes a
/// TABLE_DUMP_V2 naming the client in its peer index, with its route.
@Suite(.enabled(if: Command.builtProduct("swiftplane-rr") != nil && Command.builtProduct("swiftplanectl") != nil && GoBGPDaemon.available
                && Command.which("bgpdump") != nil, "needs the built swiftplane-rr and swiftplanectl, gobgpd and bgpdump (apt install bgpdump)"))
struct MRTDumpInteropTests {
    @Test func bgpdumpReadsTheUpdateAndTableDumps() async throws {
        let folder = try TemporaryFolder.create("swiftplane-mrt")
        defer { try? FileManager.default.removeItem(at: folder) }
        let dumps = folder.appendingPathComponent("mrt")
        let fabric = try BMPCollectorInteropTests.Fabric(collectorPort: nil, folder: folder, arguments: ["--mrt-directory", dumps.path])
        defer { fabric.stop() }
        #expect(try await fabric.addRoute())

        // The update dump: bgpdump prints the UPDATE with its peer, and our decoder finds the route's MAC in it.
        func updateFiles() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: dumps.path)) ?? []).filter { $0.hasPrefix("updates.") }.map { dumps.appendingPathComponent($0).path }
        }
        var text = ""
        let dumped = await eventually(20, every: .milliseconds(300)) {
            guard let file = updateFiles().first, let out = try? Command.run("bgpdump", [file]) else { return false }
            text = out.stdout
            return text.contains("TYPE: BGP4MP_ET/MESSAGE/Update")
        }
        #expect(dumped, "bgpdump printed \(text.suffix(1500)); reflector: \(fabric.rr.output.suffix(800))")
        #expect(text.contains("FROM: \(fabric.clientAddress) AS65000"), "bgpdump printed \(text.suffix(1500))")
        let records = try MRTRecord.decodeAll(Array(try Data(contentsOf: URL(fileURLWithPath: updateFiles().first ?? "/nonexistent"))))
        let mac: [UInt8] = [2, 0, 0, 0, 0, 7]
        #expect(records.contains { r in
            guard case .bgp4mpMessageAS4(let m) = r.body else { return false }
            return "\(m.peerAddress)" == fabric.clientAddress && m.message.indices.contains { m.message[$0...].starts(with: mac) }
        }, "records \(records.count)")

        // The table dump on request.
        let socket = folder.appendingPathComponent("rr.sock").path
        let answer = try Command.run(Command.builtProduct("swiftplanectl")!, ["mrt", "table-dump", "--socket", socket])
        #expect(answer.status == 0, "swiftplanectl: \(answer.stderr)")
        let file = String(answer.stdout.split(separator: ":").first ?? "")
        #expect(answer.stdout.contains("1 peers"), "swiftplanectl printed \(answer.stdout)")
        // bgpdump 1.6 prints nothing for RIB_GENERIC records (it reads only the IPv4/IPv6 unicast
        // subtypes) and GoBGP's `mrt inject` wants MP_REACH_NLRI whole there, against RFC 6396
        // §4.3.4: the table dump is checked with our decoder, record by record.
        let tableRecords = try MRTRecord.decodeAll(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
        guard case .peerIndexTable(let index)? = tableRecords.first?.body else {
            Issue.record("no PEER_INDEX_TABLE first: \(tableRecords.first.map { "\($0)" } ?? "empty")")
            return
        }
        #expect(index.peers.map { "\($0.address)" }.contains(fabric.clientAddress))
        // The client's type-2 route (EVPN: AFI 25, SAFI 70) from its peer index.
        let clientIndex = index.peers.firstIndex { "\($0.address)" == fabric.clientAddress }.map(UInt16.init)
        #expect(tableRecords.contains { r in
            guard case .ribGeneric(let g) = r.body else { return false }
            return g.afi == 25 && g.safi == 70 && g.nlri.first == 2 && g.entries.contains { $0.peerIndex == clientIndex }
        }, "records \(tableRecords)")
    }
}
