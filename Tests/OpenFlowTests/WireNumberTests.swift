import NIOCore
import OpenFlow
import Testing
import TestSupport

/// Each declared wire number against the specification's table (written
/// here from OpenFlow 1.3 §A and Open vSwitch's NXM/NXAST numbering): a
/// value of that kind encodes the number in its place, decodes back to the
/// same case, and the names table gives the specification's name. Every
/// declared case must have a row, so a new case without one fails.
@Suite("Wire numbers: declared once, round-trip, named")
struct WireNumberTests {
    struct Row<Kind: WireNumber>: NamedRow {
        var kind: Kind
        var number: UInt16
        var name: String

        /// The case's number and name are the specification's, and the number finds the case.
        func checkDeclaration() {
            #expect(UInt64(kind.rawValue) == UInt64(number) && Kind(rawValue: Kind.RawValue(number)) == kind)
            #expect(Kind.name(Kind.RawValue(number)) == name && kind.name == name)
        }
    }

    /// Every declared case has a row (a new case without one fails), and no two rows share a number.
    static func complete<Kind>(_ rows: [Row<Kind>]) -> Bool {
        Set(rows.map(\.kind)) == Set(Kind.allCases) && Set(rows.map(\.number)).count == rows.count
    }

    static let port = PortDescription(portNo: 1, hardwareAddress: MACAddress(rawValue: 0x0242_0000_0001), name: "p1")

    // MARK: OFPT

    static let messageRows: [Row<MessageType>] = [
        Row(kind: .hello, number: 0, name: "OFPT_HELLO"),
        Row(kind: .error, number: 1, name: "OFPT_ERROR"),
        Row(kind: .echoRequest, number: 2, name: "OFPT_ECHO_REQUEST"),
        Row(kind: .echoReply, number: 3, name: "OFPT_ECHO_REPLY"),
        Row(kind: .experimenter, number: 4, name: "OFPT_EXPERIMENTER"),
        Row(kind: .featuresRequest, number: 5, name: "OFPT_FEATURES_REQUEST"),
        Row(kind: .featuresReply, number: 6, name: "OFPT_FEATURES_REPLY"),
        Row(kind: .getConfigRequest, number: 7, name: "OFPT_GET_CONFIG_REQUEST"),
        Row(kind: .getConfigReply, number: 8, name: "OFPT_GET_CONFIG_REPLY"),
        Row(kind: .setConfig, number: 9, name: "OFPT_SET_CONFIG"),
        Row(kind: .packetIn, number: 10, name: "OFPT_PACKET_IN"),
        Row(kind: .flowRemoved, number: 11, name: "OFPT_FLOW_REMOVED"),
        Row(kind: .portStatus, number: 12, name: "OFPT_PORT_STATUS"),
        Row(kind: .packetOut, number: 13, name: "OFPT_PACKET_OUT"),
        Row(kind: .flowMod, number: 14, name: "OFPT_FLOW_MOD"),
        Row(kind: .groupMod, number: 15, name: "OFPT_GROUP_MOD"),
        Row(kind: .portMod, number: 16, name: "OFPT_PORT_MOD"),
        Row(kind: .tableMod, number: 17, name: "OFPT_TABLE_MOD"),
        Row(kind: .multipartRequest, number: 18, name: "OFPT_MULTIPART_REQUEST"),
        Row(kind: .multipartReply, number: 19, name: "OFPT_MULTIPART_REPLY"),
        Row(kind: .barrierRequest, number: 20, name: "OFPT_BARRIER_REQUEST"),
        Row(kind: .barrierReply, number: 21, name: "OFPT_BARRIER_REPLY"),
        Row(kind: .queueGetConfigRequest, number: 22, name: "OFPT_QUEUE_GET_CONFIG_REQUEST"),
        Row(kind: .queueGetConfigReply, number: 23, name: "OFPT_QUEUE_GET_CONFIG_REPLY"),
        Row(kind: .roleRequest, number: 24, name: "OFPT_ROLE_REQUEST"),
        Row(kind: .roleReply, number: 25, name: "OFPT_ROLE_REPLY"),
        Row(kind: .getAsyncRequest, number: 26, name: "OFPT_GET_ASYNC_REQUEST"),
        Row(kind: .getAsyncReply, number: 27, name: "OFPT_GET_ASYNC_REPLY"),
        Row(kind: .setAsync, number: 28, name: "OFPT_SET_ASYNC"),
        Row(kind: .meterMod, number: 29, name: "OFPT_METER_MOD"),
    ]

    /// A message of each type (the switch is exhaustive: a new type needs one).
    static func sample(_ type: MessageType) -> OpenFlowMessage {
        let async = AsyncConfig(packetInMask: (1, 0), portStatusMask: (7, 0), flowRemovedMask: (0, 0))
        return switch type {
        case .hello: .hello(Hello(versions: [4]))
        case .error: .error(ErrorMessage(.badRequest(.badType), data: ByteBuffer(bytes: [4, 99, 0, 8])))
        case .echoRequest: .echoRequest(ByteBuffer(bytes: [1, 2]))
        case .echoReply: .echoReply(ByteBuffer(bytes: [1, 2]))
        case .experimenter: .experimenter(ExperimenterMessage(experimenter: NiciraAction.experimenterID, expType: 1))
        case .featuresRequest: .featuresRequest
        case .featuresReply: .featuresReply(SwitchFeatures(datapathID: 1, nTables: 254))
        case .getConfigRequest: .getConfigRequest
        case .getConfigReply: .getConfigReply(SwitchConfig(missSendLength: 128))
        case .setConfig: .setConfig(SwitchConfig(missSendLength: 128))
        case .packetIn: .packetIn(PacketIn(totalLength: 4, reason: .action, tableID: 10, cookie: 1,
                                           match: Match([OXMField(.inPort, 1)]), data: ByteBuffer(bytes: [1, 2, 3, 4])))
        case .flowRemoved: .flowRemoved(FlowRemoved(cookie: 1, priority: 2, reason: 0, tableID: 0, match: Match()))
        case .portStatus: .portStatus(PortStatus(reason: .add, port: port))
        case .packetOut: .packetOut(PacketOut(actions: [.output(1)], data: ByteBuffer(bytes: [1])))
        case .flowMod: .flowMod(FlowMod(priority: 1, instructions: [.gotoTable(1)]))
        case .groupMod: .groupMod(GroupMod(command: 0, type: 0, groupID: 1, buckets: [Bucket(actions: [.output(1)])]))
        case .portMod: .portMod(PortMod(portNo: 1, hardwareAddress: port.hardwareAddress, config: 0, mask: 0))
        case .tableMod: .tableMod(TableMod(tableID: 0, config: 0))
        case .multipartRequest: .multipartRequest(MultipartRequest(.portDesc))
        case .multipartReply: .multipartReply(MultipartReply(.portDesc([port])))
        case .barrierRequest: .barrierRequest
        case .barrierReply: .barrierReply
        case .queueGetConfigRequest: .queueGetConfigRequest(QueueGetConfigRequest(port: 1))
        case .queueGetConfigReply: .queueGetConfigReply(QueueGetConfigReply(port: 1, queues: []))
        case .roleRequest: .roleRequest(RoleMessage(role: 2))
        case .roleReply: .roleReply(RoleMessage(role: 2))
        case .getAsyncRequest: .getAsyncRequest
        case .getAsyncReply: .getAsyncReply(async)
        case .setAsync: .setAsync(async)
        case .meterMod: .meterMod(MeterMod(command: 0, flags: 1, meterID: 1, bands: [MeterBand(.drop, rate: 10)]))
        }
    }

    @Test("every declared number has a row") func rowsComplete() {
        #expect(Self.complete(Self.messageRows))
        #expect(Self.complete(Self.actionRows))
        #expect(Self.complete(Self.niciraRows))
        #expect(Self.complete(Self.instructionRows))
        #expect(Self.complete(Self.multipartRows))
        #expect(Self.complete(Self.bandRows))
    }

    @Test(arguments: messageRows)
    func messageType(_ row: Row<MessageType>) throws {
        row.checkDeclaration()
        let message = Self.sample(row.kind)
        #expect(message.messageType == row.kind && message.typeName == row.name)
        let wire = try OpenFlowEnvelope(xid: 7, message).encoded()
        #expect(wire.getInteger(at: wire.readerIndex + 1, as: UInt8.self).map(UInt16.init) == row.number)
        let decoded = try OpenFlowEnvelope.decode(wire).message
        #expect(decoded.messageType == row.kind)
        #expect(decoded == message)
    }

    @Test("a number 1.3 does not define stays unknown, by number")
    func unknownMessageType() throws {
        let message = OpenFlowMessage.unknown(type: 30, body: ByteBuffer(bytes: [9]))
        let decoded = try OpenFlowEnvelope.decode(try OpenFlowEnvelope(xid: 1, message).encoded()).message
        #expect(decoded == message && decoded.messageType == nil && decoded.typeName == "OFPT_UNKNOWN_30")
    }

    // MARK: OFPAT and NXAST

    static let actionRows: [Row<ActionType>] = [
        Row(kind: .output, number: 0, name: "OFPAT_OUTPUT"),
        Row(kind: .copyTTLOut, number: 11, name: "OFPAT_COPY_TTL_OUT"),
        Row(kind: .copyTTLIn, number: 12, name: "OFPAT_COPY_TTL_IN"),
        Row(kind: .setMPLSTTL, number: 15, name: "OFPAT_SET_MPLS_TTL"),
        Row(kind: .decMPLSTTL, number: 16, name: "OFPAT_DEC_MPLS_TTL"),
        Row(kind: .pushVLAN, number: 17, name: "OFPAT_PUSH_VLAN"),
        Row(kind: .popVLAN, number: 18, name: "OFPAT_POP_VLAN"),
        Row(kind: .pushMPLS, number: 19, name: "OFPAT_PUSH_MPLS"),
        Row(kind: .popMPLS, number: 20, name: "OFPAT_POP_MPLS"),
        Row(kind: .setQueue, number: 21, name: "OFPAT_SET_QUEUE"),
        Row(kind: .group, number: 22, name: "OFPAT_GROUP"),
        Row(kind: .setNetworkTTL, number: 23, name: "OFPAT_SET_NW_TTL"),
        Row(kind: .decNetworkTTL, number: 24, name: "OFPAT_DEC_NW_TTL"),
        Row(kind: .setField, number: 25, name: "OFPAT_SET_FIELD"),
        Row(kind: .pushPBB, number: 26, name: "OFPAT_PUSH_PBB"),
        Row(kind: .popPBB, number: 27, name: "OFPAT_POP_PBB"),
        Row(kind: .experimenter, number: 0xffff, name: "OFPAT_EXPERIMENTER"),
    ]

    static func sample(_ type: ActionType) -> Action {
        switch type {
        case .output: .output(port: 3, maxLength: 128)
        case .copyTTLOut: .copyTTLOut
        case .copyTTLIn: .copyTTLIn
        case .setMPLSTTL: .setMPLSTTL(9)
        case .decMPLSTTL: .decMPLSTTL
        case .pushVLAN: .pushVLAN(etherType: 0x8100)
        case .popVLAN: .popVLAN
        case .pushMPLS: .pushMPLS(etherType: 0x8847)
        case .popMPLS: .popMPLS(etherType: 0x0800)
        case .setQueue: .setQueue(5)
        case .group: .group(6)
        case .setNetworkTTL: .setNetworkTTL(7)
        case .decNetworkTTL: .decNetworkTTL
        case .setField: .setField(OXMField(.tunnelID, 10))
        case .pushPBB: .pushPBB(etherType: 0x88e7)
        case .popPBB: .popPBB
        // Any experimenter but Nicira stays opaque (an action list is in multiples of 8).
        case .experimenter: .experimenter(id: 0x00a0_0000, body: ByteBuffer(bytes: [0, 0, 0, 0, 0, 0, 0, 0]))
        }
    }

    /// An action list in a FLOW_MOD's apply-actions, encoded and decoded.
    static func roundTrip(_ actions: [Action]) throws -> (wire: ByteBuffer, actions: [Action]) {
        let wire = try OpenFlowEnvelope(xid: 1, .flowMod(FlowMod(priority: 1, instructions: [.applyActions(actions)]))).encoded()
        guard case let .flowMod(flowMod) = try OpenFlowEnvelope.decode(wire).message,
              case let .applyActions(decoded)? = flowMod.instructions.first else { throw Failure() }
        return (wire, decoded)
    }

    /// A FLOW_MOD with an empty match: the instructions start at byte 56.
    static let firstInstruction = 56
    /// And the first action of an apply-actions instruction 8 bytes later.
    static let firstAction = firstInstruction + 8

    @Test(arguments: actionRows)
    func actionType(_ row: Row<ActionType>) throws {
        row.checkDeclaration()
        let action = Self.sample(row.kind)
        #expect(action.actionType == row.kind && action.type == row.number)
        let (wire, decoded) = try Self.roundTrip([action])
        #expect(wire.getInteger(at: wire.readerIndex + Self.firstAction, as: UInt16.self) == row.number)
        #expect(decoded == [action])
    }

    static let niciraRows: [Row<NiciraActionSubtype>] = [
        Row(kind: .resubmit, number: 1, name: "NXAST_RESUBMIT"),
        Row(kind: .regMove, number: 6, name: "NXAST_REG_MOVE"),
        Row(kind: .regLoad, number: 7, name: "NXAST_REG_LOAD"),
        Row(kind: .resubmitTable, number: 14, name: "NXAST_RESUBMIT_TABLE"),
        Row(kind: .controller, number: 20, name: "NXAST_CONTROLLER"),
        Row(kind: .regLoad2, number: 33, name: "NXAST_REG_LOAD2"),
        Row(kind: .controller2, number: 37, name: "NXAST_CONTROLLER2"),
    ]

    static func sample(_ subtype: NiciraActionSubtype) -> NiciraAction {
        switch subtype {
        case .resubmit: .resubmit(inPort: 2)
        case .regMove: .regMove(bits: 48, sourceOffset: 0, destinationOffset: 0,
                                source: NXMField.ofEthSrc.header, destination: NXMField.ofEthDst.header)
        case .regLoad: .regLoad(offset: 0, bits: 32, destination: NXMField.register(1).header, value: 5)
        case .resubmitTable: .resubmitTable(inPort: 0xfff8, table: 20)
        case .controller: .controller(maxLength: 128, controllerID: 0, reason: 1)
        case .regLoad2: .regLoad2(.register(2, 7))
        case .controller2: .controller2(NXController2(maxLength: 128, userdata: [1, 2, 3], pause: true))
        }
    }

    @Test(arguments: niciraRows)
    func niciraSubtype(_ row: Row<NiciraActionSubtype>) throws {
        row.checkDeclaration()
        let action = Action.nicira(Self.sample(row.kind))
        let (wire, decoded) = try Self.roundTrip([action])
        // Type 0xffff, length, experimenter id 0x00002320, then the subtype.
        #expect(wire.getInteger(at: wire.readerIndex + Self.firstAction, as: UInt16.self) == ActionType.experimenter.rawValue)
        #expect(wire.getInteger(at: wire.readerIndex + Self.firstAction + 4, as: UInt32.self) == NiciraAction.experimenterID)
        #expect(wire.getInteger(at: wire.readerIndex + Self.firstAction + 8, as: UInt16.self) == row.number)
        #expect(decoded == [action])
    }

    // MARK: OFPIT

    static let instructionRows: [Row<InstructionType>] = [
        Row(kind: .gotoTable, number: 1, name: "OFPIT_GOTO_TABLE"),
        Row(kind: .writeMetadata, number: 2, name: "OFPIT_WRITE_METADATA"),
        Row(kind: .writeActions, number: 3, name: "OFPIT_WRITE_ACTIONS"),
        Row(kind: .applyActions, number: 4, name: "OFPIT_APPLY_ACTIONS"),
        Row(kind: .clearActions, number: 5, name: "OFPIT_CLEAR_ACTIONS"),
        Row(kind: .meter, number: 6, name: "OFPIT_METER"),
        Row(kind: .experimenter, number: 0xffff, name: "OFPIT_EXPERIMENTER"),
    ]

    static func sample(_ type: InstructionType) -> Instruction {
        switch type {
        case .gotoTable: .gotoTable(20)
        case .writeMetadata: .writeMetadata(10, mask: .max)
        case .writeActions: .writeActions([.output(1)])
        case .applyActions: .applyActions([.output(1)])
        case .clearActions: .clearActions
        case .meter: .meter(3)
        case .experimenter: .experimenter(id: 0x00a0_0000, body: ByteBuffer(bytes: [0, 0, 0, 0]))
        }
    }

    @Test(arguments: instructionRows)
    func instructionType(_ row: Row<InstructionType>) throws {
        row.checkDeclaration()
        let instruction = Self.sample(row.kind)
        #expect(instruction.instructionType == row.kind && instruction.type == row.number)
        let wire = try OpenFlowEnvelope(xid: 1, .flowMod(FlowMod(priority: 1, instructions: [instruction]))).encoded()
        #expect(wire.getInteger(at: wire.readerIndex + Self.firstInstruction, as: UInt16.self) == row.number)
        guard case let .flowMod(decoded) = try OpenFlowEnvelope.decode(wire).message else { throw Failure() }
        #expect(decoded.instructions == [instruction])
    }

    // MARK: OFPMP

    static let multipartRows: [Row<MultipartType>] = [
        Row(kind: .desc, number: 0, name: "OFPMP_DESC"),
        Row(kind: .flow, number: 1, name: "OFPMP_FLOW"),
        Row(kind: .aggregate, number: 2, name: "OFPMP_AGGREGATE"),
        Row(kind: .table, number: 3, name: "OFPMP_TABLE"),
        Row(kind: .portStats, number: 4, name: "OFPMP_PORT_STATS"),
        Row(kind: .queue, number: 5, name: "OFPMP_QUEUE"),
        Row(kind: .group, number: 6, name: "OFPMP_GROUP"),
        Row(kind: .groupDesc, number: 7, name: "OFPMP_GROUP_DESC"),
        Row(kind: .groupFeatures, number: 8, name: "OFPMP_GROUP_FEATURES"),
        Row(kind: .meter, number: 9, name: "OFPMP_METER"),
        Row(kind: .meterConfig, number: 10, name: "OFPMP_METER_CONFIG"),
        Row(kind: .meterFeatures, number: 11, name: "OFPMP_METER_FEATURES"),
        Row(kind: .tableFeatures, number: 12, name: "OFPMP_TABLE_FEATURES"),
        Row(kind: .portDesc, number: 13, name: "OFPMP_PORT_DESC"),
        Row(kind: .experimenter, number: 0xffff, name: "OFPMP_EXPERIMENTER"),
    ]

    /// A request of each type (requests and replies share the numbers and the header).
    static func sample(_ type: MultipartType) -> MultipartRequest.Body {
        switch type {
        case .desc: .desc
        case .flow: .flow(FlowStatsRequest(tableID: 10))
        case .aggregate: .aggregate(FlowStatsRequest(tableID: 10))
        case .table: .table
        case .portStats: .portStats(portNo: 1)
        case .queue: .queue(portNo: 1, queueID: 2)
        case .group: .group(groupID: 3)
        case .groupDesc: .groupDesc
        case .groupFeatures: .groupFeatures
        case .meter: .meter(meterID: 4)
        case .meterConfig: .meterConfig(meterID: 4)
        case .meterFeatures: .meterFeatures
        case .tableFeatures: .tableFeatures([])
        case .portDesc: .portDesc
        case .experimenter: .experimenter(ExperimenterMessage(experimenter: NiciraAction.experimenterID, expType: 2))
        }
    }

    @Test(arguments: multipartRows)
    func multipartType(_ row: Row<MultipartType>) throws {
        row.checkDeclaration()
        let request = MultipartRequest(Self.sample(row.kind))
        #expect(request.body.multipartType == row.kind && request.type == row.number)
        let wire = try OpenFlowEnvelope(xid: 1, .multipartRequest(request)).encoded()
        #expect(wire.getInteger(at: wire.readerIndex + 8, as: UInt16.self) == row.number)
        guard case let .multipartRequest(decoded) = try OpenFlowEnvelope.decode(wire).message else { throw Failure() }
        #expect(decoded == request)
    }

    // MARK: OFPMBT

    static let bandRows: [Row<MeterBand.BandType>] = [
        Row(kind: .drop, number: 1, name: "OFPMBT_DROP"),
        Row(kind: .dscpRemark, number: 2, name: "OFPMBT_DSCP_REMARK"),
        Row(kind: .experimenter, number: 0xffff, name: "OFPMBT_EXPERIMENTER"),
    ]

    static func sample(_ type: MeterBand.BandType) -> MeterBand.Kind {
        switch type {
        case .drop: .drop
        case .dscpRemark: .dscpRemark(precedenceLevel: 1)
        case .experimenter: .experimenter(id: 0x00a0_0000, body: ByteBuffer(bytes: [0, 0, 0, 0]))
        }
    }

    @Test(arguments: bandRows)
    func meterBandType(_ row: Row<MeterBand.BandType>) throws {
        row.checkDeclaration()
        let band = MeterBand(Self.sample(row.kind), rate: 100)
        #expect(band.type == row.number)
        let meterMod = MeterMod(command: 0, flags: 1, meterID: 1, bands: [band])
        let wire = try OpenFlowEnvelope(xid: 1, .meterMod(meterMod)).encoded()
        // Header, command, flags, meter id: the first band at byte 16.
        #expect(wire.getInteger(at: wire.readerIndex + 16, as: UInt16.self) == row.number)
        #expect(try OpenFlowEnvelope.decode(wire).message == .meterMod(meterMod))
    }

    // MARK: OFPET and its codes

    struct ErrorRow: NamedRow {
        var error: OpenFlowErrorCode
        var type: UInt16
        var code: UInt16
        var name: String
    }

    static let errorRows: [ErrorRow] = [
        ErrorRow(error: .helloFailed(.incompatible), type: 0, code: 0, name: "OFPET_HELLO_FAILED/OFPHFC_INCOMPATIBLE"),
        ErrorRow(error: .helloFailed(.permissionDenied), type: 0, code: 1, name: "OFPET_HELLO_FAILED/OFPHFC_EPERM"),
        ErrorRow(error: .badRequest(.badVersion), type: 1, code: 0, name: "OFPET_BAD_REQUEST/OFPBRC_BAD_VERSION"),
        ErrorRow(error: .badRequest(.badType), type: 1, code: 1, name: "OFPET_BAD_REQUEST/OFPBRC_BAD_TYPE"),
        ErrorRow(error: .badRequest(.badMultipart), type: 1, code: 2, name: "OFPET_BAD_REQUEST/OFPBRC_BAD_MULTIPART"),
        ErrorRow(error: .badRequest(.badExperimenter), type: 1, code: 3, name: "OFPET_BAD_REQUEST/OFPBRC_BAD_EXPERIMENTER"),
        ErrorRow(error: .badRequest(.badExperimenterType), type: 1, code: 4, name: "OFPET_BAD_REQUEST/OFPBRC_BAD_EXP_TYPE"),
        ErrorRow(error: .badRequest(.permissionDenied), type: 1, code: 5, name: "OFPET_BAD_REQUEST/OFPBRC_EPERM"),
        ErrorRow(error: .badRequest(.badLength), type: 1, code: 6, name: "OFPET_BAD_REQUEST/OFPBRC_BAD_LEN"),
        ErrorRow(error: .badRequest(.bufferEmpty), type: 1, code: 7, name: "OFPET_BAD_REQUEST/OFPBRC_BUFFER_EMPTY"),
        ErrorRow(error: .badRequest(.bufferUnknown), type: 1, code: 8, name: "OFPET_BAD_REQUEST/OFPBRC_BUFFER_UNKNOWN"),
        ErrorRow(error: .badRequest(.badTableID), type: 1, code: 9, name: "OFPET_BAD_REQUEST/OFPBRC_BAD_TABLE_ID"),
        ErrorRow(error: .badRequest(.isSlave), type: 1, code: 10, name: "OFPET_BAD_REQUEST/OFPBRC_IS_SLAVE"),
        ErrorRow(error: .badRequest(.badPort), type: 1, code: 11, name: "OFPET_BAD_REQUEST/OFPBRC_BAD_PORT"),
        ErrorRow(error: .badRequest(.badPacket), type: 1, code: 12, name: "OFPET_BAD_REQUEST/OFPBRC_BAD_PACKET"),
        ErrorRow(error: .badRequest(.multipartBufferOverflow), type: 1, code: 13, name: "OFPET_BAD_REQUEST/OFPBRC_MULTIPART_BUFFER_OVERFLOW"),
        ErrorRow(error: .flowModFailed(.unknown), type: 5, code: 0, name: "OFPET_FLOW_MOD_FAILED/OFPFMFC_UNKNOWN"),
        ErrorRow(error: .flowModFailed(.tableFull), type: 5, code: 1, name: "OFPET_FLOW_MOD_FAILED/OFPFMFC_TABLE_FULL"),
        ErrorRow(error: .flowModFailed(.badTableID), type: 5, code: 2, name: "OFPET_FLOW_MOD_FAILED/OFPFMFC_BAD_TABLE_ID"),
        ErrorRow(error: .flowModFailed(.overlap), type: 5, code: 3, name: "OFPET_FLOW_MOD_FAILED/OFPFMFC_OVERLAP"),
        ErrorRow(error: .flowModFailed(.permissionDenied), type: 5, code: 4, name: "OFPET_FLOW_MOD_FAILED/OFPFMFC_EPERM"),
        ErrorRow(error: .flowModFailed(.badTimeout), type: 5, code: 5, name: "OFPET_FLOW_MOD_FAILED/OFPFMFC_BAD_TIMEOUT"),
        ErrorRow(error: .flowModFailed(.badCommand), type: 5, code: 6, name: "OFPET_FLOW_MOD_FAILED/OFPFMFC_BAD_COMMAND"),
        ErrorRow(error: .flowModFailed(.badFlags), type: 5, code: 7, name: "OFPET_FLOW_MOD_FAILED/OFPFMFC_BAD_FLAGS"),
        ErrorRow(error: .badAction(.badOutPort), type: 2, code: 4, name: "OFPET_BAD_ACTION/OFPBAC_BAD_OUT_PORT"),
        ErrorRow(error: .badInstruction(.unsupportedInstruction), type: 3, code: 1, name: "OFPET_BAD_INSTRUCTION/OFPBIC_UNSUP_INST"),
        ErrorRow(error: .badMatch(.badLength), type: 4, code: 1, name: "OFPET_BAD_MATCH/OFPBMC_BAD_LEN"),
        ErrorRow(error: .groupModFailed(.chainedGroup), type: 6, code: 9, name: "OFPET_GROUP_MOD_FAILED/OFPGMFC_CHAINED_GROUP"),
        ErrorRow(error: .portModFailed(.badHardwareAddress), type: 7, code: 1, name: "OFPET_PORT_MOD_FAILED/OFPPMFC_BAD_HW_ADDR"),
        ErrorRow(error: .tableModFailed(.permissionDenied), type: 8, code: 2, name: "OFPET_TABLE_MOD_FAILED/OFPTMFC_EPERM"),
        ErrorRow(error: .queueOpFailed(.badQueue), type: 9, code: 1, name: "OFPET_QUEUE_OP_FAILED/OFPQOFC_BAD_QUEUE"),
        ErrorRow(error: .switchConfigFailed(.badLength), type: 10, code: 1, name: "OFPET_SWITCH_CONFIG_FAILED/OFPSCFC_BAD_LEN"),
        ErrorRow(error: .roleRequestFailed(.stale), type: 11, code: 0, name: "OFPET_ROLE_REQUEST_FAILED/OFPRRFC_STALE"),
        ErrorRow(error: .meterModFailed(.badRate), type: 12, code: 6, name: "OFPET_METER_MOD_FAILED/OFPMMFC_BAD_RATE"),
        ErrorRow(error: .tableFeaturesFailed(.badMetadata), type: 13, code: 1, name: "OFPET_TABLE_FEATURES_FAILED/OFPTFFC_BAD_METADATA"),
        // Codes and types that are not declared keep their numbers.
        ErrorRow(error: .other(type: 1, code: 99), type: 1, code: 99, name: "OFPET_BAD_REQUEST/99"),
        ErrorRow(error: .other(type: 77, code: 1), type: 77, code: 1, name: "OFPET_UNKNOWN_77/1"),
    ]

    @Test("every declared code has a row") func errorRowsComplete() {
        let declared = HelloFailedCode.allCases.map(OpenFlowErrorCode.helloFailed)
            + BadRequestCode.allCases.map(OpenFlowErrorCode.badRequest)
            + FlowModFailedCode.allCases.map(OpenFlowErrorCode.flowModFailed)
        #expect(Set(declared).isSubset(of: Set(Self.errorRows.map(\.error))))
        // The other types' codes: as many declared as the specification's tables hold.
        let counts: [UInt16: Int] = [
            2: BadActionCode.allCases.count, 3: BadInstructionCode.allCases.count, 4: BadMatchCode.allCases.count,
            6: GroupModFailedCode.allCases.count, 7: PortModFailedCode.allCases.count, 8: TableModFailedCode.allCases.count,
            9: QueueOpFailedCode.allCases.count, 10: SwitchConfigFailedCode.allCases.count, 11: RoleRequestFailedCode.allCases.count,
            12: MeterModFailedCode.allCases.count, 13: TableFeaturesFailedCode.allCases.count,
        ]
        for table in Self.codeTables where counts[table.type] != nil { #expect(counts[table.type] == table.codes.count, "\(table.name)") }
        // The types in number order, 0 to 13, and OFPET_EXPERIMENTER.
        #expect(Self.codeTables.map(\.type) == Array(0...13))
        #expect(ErrorType(rawValue: 0xffff)?.name == "OFPET_EXPERIMENTER" && ErrorType.allCases.count == Self.codeTables.count + 1)
    }

    /// Each type's codes as OpenFlow 1.3.5 §A.4.4 numbers them (from 0, in
    /// this order): every number decodes to a declared code of that name,
    /// round-trips through an OFPT_ERROR, and the next number is not declared.
    struct CodeTable: NamedRow {
        var type: UInt16
        var name: String
        var codes: [String]
    }

    static let codeTables: [CodeTable] = [
        CodeTable(type: 0, name: "OFPET_HELLO_FAILED", codes: ["OFPHFC_INCOMPATIBLE", "OFPHFC_EPERM"]),
        CodeTable(type: 1, name: "OFPET_BAD_REQUEST", codes: [
            "OFPBRC_BAD_VERSION", "OFPBRC_BAD_TYPE", "OFPBRC_BAD_MULTIPART", "OFPBRC_BAD_EXPERIMENTER", "OFPBRC_BAD_EXP_TYPE",
            "OFPBRC_EPERM", "OFPBRC_BAD_LEN", "OFPBRC_BUFFER_EMPTY", "OFPBRC_BUFFER_UNKNOWN", "OFPBRC_BAD_TABLE_ID", "OFPBRC_IS_SLAVE",
            "OFPBRC_BAD_PORT", "OFPBRC_BAD_PACKET", "OFPBRC_MULTIPART_BUFFER_OVERFLOW",
        ]),
        CodeTable(type: 2, name: "OFPET_BAD_ACTION", codes: [
            "OFPBAC_BAD_TYPE", "OFPBAC_BAD_LEN", "OFPBAC_BAD_EXPERIMENTER", "OFPBAC_BAD_EXP_TYPE", "OFPBAC_BAD_OUT_PORT",
            "OFPBAC_BAD_ARGUMENT", "OFPBAC_EPERM", "OFPBAC_TOO_MANY", "OFPBAC_BAD_QUEUE", "OFPBAC_BAD_OUT_GROUP",
            "OFPBAC_MATCH_INCONSISTENT", "OFPBAC_UNSUPPORTED_ORDER", "OFPBAC_BAD_TAG", "OFPBAC_BAD_SET_TYPE", "OFPBAC_BAD_SET_LEN",
            "OFPBAC_BAD_SET_ARGUMENT",
        ]),
        CodeTable(type: 3, name: "OFPET_BAD_INSTRUCTION", codes: [
            "OFPBIC_UNKNOWN_INST", "OFPBIC_UNSUP_INST", "OFPBIC_BAD_TABLE_ID", "OFPBIC_UNSUP_METADATA", "OFPBIC_UNSUP_METADATA_MASK",
            "OFPBIC_BAD_EXPERIMENTER", "OFPBIC_BAD_EXP_TYPE", "OFPBIC_BAD_LEN", "OFPBIC_EPERM",
        ]),
        CodeTable(type: 4, name: "OFPET_BAD_MATCH", codes: [
            "OFPBMC_BAD_TYPE", "OFPBMC_BAD_LEN", "OFPBMC_BAD_TAG", "OFPBMC_BAD_DL_ADDR_MASK", "OFPBMC_BAD_NW_ADDR_MASK",
            "OFPBMC_BAD_WILDCARDS", "OFPBMC_BAD_FIELD", "OFPBMC_BAD_VALUE", "OFPBMC_BAD_MASK", "OFPBMC_BAD_PREREQ", "OFPBMC_DUP_FIELD",
            "OFPBMC_EPERM",
        ]),
        CodeTable(type: 5, name: "OFPET_FLOW_MOD_FAILED", codes: [
            "OFPFMFC_UNKNOWN", "OFPFMFC_TABLE_FULL", "OFPFMFC_BAD_TABLE_ID", "OFPFMFC_OVERLAP", "OFPFMFC_EPERM", "OFPFMFC_BAD_TIMEOUT",
            "OFPFMFC_BAD_COMMAND", "OFPFMFC_BAD_FLAGS",
        ]),
        CodeTable(type: 6, name: "OFPET_GROUP_MOD_FAILED", codes: [
            "OFPGMFC_GROUP_EXISTS", "OFPGMFC_INVALID_GROUP", "OFPGMFC_WEIGHT_UNSUPPORTED", "OFPGMFC_OUT_OF_GROUPS",
            "OFPGMFC_OUT_OF_BUCKETS", "OFPGMFC_CHAINING_UNSUPPORTED", "OFPGMFC_WATCH_UNSUPPORTED", "OFPGMFC_LOOP",
            "OFPGMFC_UNKNOWN_GROUP", "OFPGMFC_CHAINED_GROUP", "OFPGMFC_BAD_TYPE", "OFPGMFC_BAD_COMMAND", "OFPGMFC_BAD_BUCKET",
            "OFPGMFC_BAD_WATCH", "OFPGMFC_EPERM",
        ]),
        CodeTable(type: 7, name: "OFPET_PORT_MOD_FAILED", codes: [
            "OFPPMFC_BAD_PORT", "OFPPMFC_BAD_HW_ADDR", "OFPPMFC_BAD_CONFIG", "OFPPMFC_BAD_ADVERTISE", "OFPPMFC_EPERM",
        ]),
        CodeTable(type: 8, name: "OFPET_TABLE_MOD_FAILED", codes: ["OFPTMFC_BAD_TABLE", "OFPTMFC_BAD_CONFIG", "OFPTMFC_EPERM"]),
        CodeTable(type: 9, name: "OFPET_QUEUE_OP_FAILED", codes: ["OFPQOFC_BAD_PORT", "OFPQOFC_BAD_QUEUE", "OFPQOFC_EPERM"]),
        CodeTable(type: 10, name: "OFPET_SWITCH_CONFIG_FAILED", codes: ["OFPSCFC_BAD_FLAGS", "OFPSCFC_BAD_LEN", "OFPSCFC_EPERM"]),
        CodeTable(type: 11, name: "OFPET_ROLE_REQUEST_FAILED", codes: ["OFPRRFC_STALE", "OFPRRFC_UNSUP", "OFPRRFC_BAD_ROLE"]),
        CodeTable(type: 12, name: "OFPET_METER_MOD_FAILED", codes: [
            "OFPMMFC_UNKNOWN", "OFPMMFC_METER_EXISTS", "OFPMMFC_INVALID_METER", "OFPMMFC_UNKNOWN_METER", "OFPMMFC_BAD_COMMAND",
            "OFPMMFC_BAD_FLAGS", "OFPMMFC_BAD_RATE", "OFPMMFC_BAD_BURST", "OFPMMFC_BAD_BAND", "OFPMMFC_BAD_BAND_VALUE",
            "OFPMMFC_OUT_OF_METERS", "OFPMMFC_OUT_OF_BANDS",
        ]),
        CodeTable(type: 13, name: "OFPET_TABLE_FEATURES_FAILED", codes: [
            "OFPTFFC_BAD_TABLE", "OFPTFFC_BAD_METADATA", "OFPTFFC_BAD_TYPE", "OFPTFFC_BAD_LEN", "OFPTFFC_BAD_ARGUMENT",
            "OFPTFFC_EPERM",
        ]),
    ]

    @Test(arguments: codeTables)
    func errorCodesOfType(_ table: CodeTable) throws {
        #expect(ErrorType(rawValue: table.type)?.name == table.name)
        for (number, codeName) in table.codes.enumerated() {
            let error = OpenFlowErrorCode(type: table.type, code: UInt16(number))
            if case .other = error {
                Issue.record("\(table.name) code \(number) (\(codeName)) is not declared")
                continue
            }
            #expect(error.type == table.type && error.code == UInt16(number) && error.description == "\(table.name)/\(codeName)")
            let wire = try OpenFlowEnvelope(xid: 1, .error(ErrorMessage(error))).encoded()
            guard case let .error(decoded) = try OpenFlowEnvelope.decode(wire).message else { throw Failure() }
            #expect(decoded.errorCode == error && decoded.name == "\(table.name)/\(codeName)")
        }
        // One past the last code: kept as numbers, named by its number.
        let beyond = UInt16(table.codes.count)
        #expect(OpenFlowErrorCode(type: table.type, code: beyond) == .other(type: table.type, code: beyond))
        #expect(OpenFlowErrorCode(type: table.type, code: beyond).description == "\(table.name)/\(beyond)")
    }

    /// OpenFlow 1.4's OFPET_BAD_PROPERTY (14) is not a 1.3 type: a 1.3
    /// switch's 14 is unknown, and so named.
    @Test func noTypeBeyondOpenFlow13() {
        #expect(ErrorType(rawValue: 14) == nil)
        #expect(OpenFlowErrorCode(type: 14, code: 0).description == "OFPET_UNKNOWN_14/0")
    }

    @Test(arguments: errorRows)
    func errorCode(_ row: ErrorRow) throws {
        #expect(row.error.type == row.type && row.error.code == row.code && row.error.description == row.name)
        #expect(OpenFlowErrorCode(type: row.type, code: row.code) == row.error)
        let wire = try OpenFlowEnvelope(xid: 1, .error(ErrorMessage(row.error))).encoded()
        #expect(wire.getInteger(at: wire.readerIndex + 8, as: UInt16.self) == row.type)
        #expect(wire.getInteger(at: wire.readerIndex + 10, as: UInt16.self) == row.code)
        guard case let .error(decoded) = try OpenFlowEnvelope.decode(wire).message else { throw Failure() }
        #expect(decoded.errorCode == row.error && decoded.name == row.name)
    }

    // MARK: NXM / OXM fields

    struct FieldRow: NamedRow {
        var field: NXMField
        var oxmClass: UInt16
        var number: UInt8
        var width: Int
        var name: String
    }

    static let fieldRows: [FieldRow] = [
        FieldRow(field: .ofInPort, oxmClass: 0, number: 0, width: 2, name: "nxm_of_in_port"),
        FieldRow(field: .ofEthDst, oxmClass: 0, number: 1, width: 6, name: "nxm_of_eth_dst"),
        FieldRow(field: .ofEthSrc, oxmClass: 0, number: 2, width: 6, name: "nxm_of_eth_src"),
        FieldRow(field: .ofEthType, oxmClass: 0, number: 3, width: 2, name: "nxm_of_eth_type"),
        FieldRow(field: .ofARPOp, oxmClass: 0, number: 15, width: 2, name: "nxm_of_arp_op"),
        FieldRow(field: .ofARPSPA, oxmClass: 0, number: 16, width: 4, name: "nxm_of_arp_spa"),
        FieldRow(field: .ofARPTPA, oxmClass: 0, number: 17, width: 4, name: "nxm_of_arp_tpa"),
        FieldRow(field: .tunID, oxmClass: 1, number: 16, width: 8, name: "tun_id"),
        FieldRow(field: .nxARPSHA, oxmClass: 1, number: 17, width: 6, name: "nxm_nx_arp_sha"),
        FieldRow(field: .nxARPTHA, oxmClass: 1, number: 18, width: 6, name: "nxm_nx_arp_tha"),
        FieldRow(field: .nxIPv6Src, oxmClass: 1, number: 19, width: 16, name: "nxm_nx_ipv6_src"),
        FieldRow(field: .nxIPv6Dst, oxmClass: 1, number: 20, width: 16, name: "nxm_nx_ipv6_dst"),
        FieldRow(field: .nxNDTLL, oxmClass: 1, number: 25, width: 6, name: "nxm_nx_nd_tll"),
        FieldRow(field: .tunIPv4Src, oxmClass: 1, number: 31, width: 4, name: "tun_ipv4_src"),
        FieldRow(field: .tunIPv4Dst, oxmClass: 1, number: 32, width: 4, name: "tun_ipv4_dst"),
        FieldRow(field: .packetMark, oxmClass: 1, number: 33, width: 4, name: "pkt_mark"),
        FieldRow(field: .conjunctionID, oxmClass: 1, number: 37, width: 4, name: "conj_id"),
        FieldRow(field: .ctState, oxmClass: 1, number: 105, width: 4, name: "ct_state"),
        FieldRow(field: .ctMark, oxmClass: 1, number: 107, width: 4, name: "ct_mark"),
        FieldRow(field: .tunIPv6Src, oxmClass: 1, number: 109, width: 16, name: "tun_ipv6_src"),
        FieldRow(field: .tunIPv6Dst, oxmClass: 1, number: 110, width: 16, name: "tun_ipv6_dst"),
        FieldRow(field: .ndReserved, oxmClass: 0x1000, number: 1, width: 4, name: "nd_reserved"),
        FieldRow(field: .ndOptionsType, oxmClass: 0x1000, number: 2, width: 1, name: "nd_options_type"),
    ] + (0...15).map { FieldRow(field: .register($0), oxmClass: 1, number: $0, width: 4, name: "reg\($0)") }
      + (0...7).map { FieldRow(field: .xreg($0), oxmClass: 0x8001, number: $0, width: 8, name: "xreg\($0)") }

    @Test("every NXM field has a row, and no two share a number") func fieldRowsComplete() {
        #expect(Set(Self.fieldRows.map(\.field)) == Set(NXMField.allCases))
        #expect(Set(Self.fieldRows.map { UInt32($0.oxmClass) << 8 | UInt32($0.number) }).count == Self.fieldRows.count)
    }

    @Test(arguments: fieldRows)
    func nxmField(_ row: FieldRow) throws {
        #expect(row.field.oxmClass == row.oxmClass && row.field.field == row.number && row.field.width == row.width)
        #expect(NXMField(oxmClass: row.oxmClass, field: row.number) == row.field)
        // As a match field (value of the field's width) and as a move's
        // source and destination, through a FLOW_MOD and back.
        let value = OXMField(row.field, bytes: (0..<row.width).map { UInt8($0 + 1) })
        let move = Action.nicira(.regMove(bits: 8, sourceOffset: 0, destinationOffset: 0,
                                          source: row.field.header, destination: row.field.header))
        let flowMod = FlowMod(priority: 1, match: Match([value]), instructions: [.applyActions([move])])
        let wire = try OpenFlowEnvelope(xid: 1, .flowMod(flowMod)).encoded()
        // ofp_match begins at byte 48: type, length, then the first OXM header.
        let header = UInt32(row.oxmClass) << 16 | UInt32(row.number) << 9 | UInt32(row.width)
        #expect(wire.getInteger(at: wire.readerIndex + 52, as: UInt32.self) == header)
        guard case let .flowMod(decoded) = try OpenFlowEnvelope.decode(wire).message,
              case let .nicira(.regMove(_, _, _, source, destination))? = decoded.instructions.first.flatMap({ instruction in
                  if case let .applyActions(actions) = instruction { actions.first } else { nil }
              }) else { throw Failure() }
        #expect(decoded.match.fields == [value])
        #expect(decoded.match.fields.first?.name == row.name && source.name == row.name && destination == row.field.header)
    }

    struct Failure: Error {}
}
