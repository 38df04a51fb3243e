import NIOCore
import OpenFlow
import TestSupport
import Testing

@Suite("Bundles (ONF extension 230): control and add messages")
struct BundleTests {
    static let controls: [BundleControl] = BundleControlType.allCases.flatMap { type in
        [BundleControl(bundleID: 1, type: type), BundleControl(bundleID: 0xffff_fffe, type: type, flags: []),
         BundleControl(bundleID: 9, type: type, flags: .atomic)]
    }

    static func experimenter(_ message: OpenFlowMessage) -> ExperimenterMessage? {
        if case let .experimenter(value) = message { value } else { nil }
    }

    @Test("a control message goes through its experimenter message and back", arguments: controls)
    func controlRoundTrip(control: BundleControl) throws {
        let envelope = OpenFlowEnvelope(xid: 3, .experimenter(control.experimenter))
        let decoded = try OpenFlowEnvelope.decode(try envelope.encoded())
        let message = try #require(Self.experimenter(decoded.message))
        #expect(try BundleControl(message) == control)
        #expect(try BundleAdd.decode(message) == nil, "a control message is not an add")
    }

    struct Refusal: NamedRow {
        var name: String
        var experimenter: UInt32
        var expType: UInt32
        var data: String
    }

    static let refusals: [Refusal] = [
        Refusal(name: "control: body cut short", experimenter: 0x4f4e_4600, expType: 2300, data: "00000001 0000"),
        Refusal(name: "control: type 8 is not one", experimenter: 0x4f4e_4600, expType: 2300, data: "00000001 0008 0003"),
        Refusal(name: "add: no message", experimenter: 0x4f4e_4600, expType: 2301, data: "00000001 0000 0003"),
        Refusal(name: "add: the message's length runs past the end", experimenter: 0x4f4e_4600, expType: 2301,
                data: "00000001 0000 0003 04140040 00000001"),
        Refusal(name: "add: a bundle inside a bundle", experimenter: 0x4f4e_4600, expType: 2301,
                data: "00000001 0000 0003 04040018 00000001 4f4e4600 000008fc 00000001 0000 0003"),
    ]

    @Test("a malformed bundle message is an error, never a crash", arguments: refusals)
    func refused(vector: Refusal) throws {
        let message = ExperimenterMessage(experimenter: vector.experimenter, expType: vector.expType,
                                          data: ByteBuffer(bytes: Hex.bytes(vector.data) ?? []))
        #expect(throws: OpenFlowDecodingError.self) {
            if vector.expType == 2300 { _ = try BundleControl(message) } else { _ = try BundleAdd.decode(message) }
        }
    }

    @Test("another experimenter's message is not a bundle")
    func otherExperimenter() throws {
        let nicira = ExperimenterMessage(experimenter: 0x0000_2320, expType: 2300, data: ByteBuffer(bytes: [0, 0, 0, 1, 0, 0, 0, 3]))
        #expect(try BundleControl(nicira) == nil)
        #expect(try BundleAdd.decode(nicira) == nil)
    }

    @Test("an added FLOW_MOD comes back with its xid")
    func addRoundTrip() throws {
        let flowMod = OpenFlowMessage.flowMod(FlowMod(cookie: 5, tableID: 30, priority: 100, match: Match([OXMField(.inPort, 1)]),
                                                      instructions: [.applyActions([.output(2)])]))
        let add = BundleAdd(bundleID: 42, message: flowMod)
        let bytes = try OpenFlowEnvelope(xid: 77, .experimenter(try add.experimenter(xid: 77))).encoded()
        let message = try #require(Self.experimenter(try OpenFlowEnvelope.decode(bytes).message))
        let decoded = try #require(try BundleAdd.decode(message))
        #expect(decoded.xid == 77)
        #expect(decoded.1 == add)
    }
}
