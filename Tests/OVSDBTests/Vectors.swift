/// Hand-written messages in the shape ovsdb-server sends (RFC 7047 section 4
/// and the vswitch schema), shared by the unit, robustness and fuzz tests.
enum Vectors {
    static let bridge = "6e0e9e8a-1c7e-4a8f-9d1e-000000000001"
    static let portBr0 = "6e0e9e8a-1c7e-4a8f-9d1e-000000000002"
    static let portA = "6e0e9e8a-1c7e-4a8f-9d1e-000000000003"
    static let ifaceBr0 = "6e0e9e8a-1c7e-4a8f-9d1e-000000000004"
    static let ifaceA = "6e0e9e8a-1c7e-4a8f-9d1e-000000000005"

    /// The monitor's initial reply: br0 with its own internal port and port
    /// `a` (vni 10, MAC, two addresses, ofport 7).
    static let initialReply = """
        {"id":"swiftplane-monitor","error":null,"result":{\
        "Bridge":{"\(bridge)":{"new":{"name":"br0","datapath_id":"0000aabbccddeeff",\
        "ports":["set",[["uuid","\(portBr0)"],["uuid","\(portA)"]]]}}},\
        "Port":{"\(portBr0)":{"new":{"name":"br0","interfaces":["uuid","\(ifaceBr0)"],"tag":["set",[]],"external_ids":["map",[]]}},\
        "\(portA)":{"new":{"name":"a","interfaces":["uuid","\(ifaceA)"],"tag":["set",[]],\
        "external_ids":["map",[["attached-mac","02:42:c0:a8:00:02"],["ip","192.168.0.2, fd00::2"],["vni","10"]]]}}},\
        "Interface":{"\(ifaceBr0)":{"new":{"name":"br0","ofport":65534,"type":"internal","external_ids":["map",[]],\
        "options":["map",[]],"error":["set",[]],"mac_in_use":"aa:bb:cc:dd:ee:ff"}},\
        "\(ifaceA)":{"new":{"name":"a","ofport":7,"type":"","external_ids":["map",[]],"options":["map",[]],\
        "error":["set",[]],"mac_in_use":"36:9a:1f:00:00:07"}}}}}
        """

    /// Port a moves to VNI 20 (modify: old has only the changed column).
    static let changeVNI = """
        {"id":null,"method":"update","params":["swiftplane",{"Port":{"\(portA)":{\
        "old":{"external_ids":["map",[["attached-mac","02:42:c0:a8:00:02"],["ip","192.168.0.2, fd00::2"],["vni","10"]]]},\
        "new":{"name":"a","interfaces":["uuid","\(ifaceA)"],"tag":["set",[]],\
        "external_ids":["map",[["attached-mac","02:42:c0:a8:00:02"],["ip","192.168.0.2, fd00::2"],["vni","20"]]]}}}}]}
        """

    /// Port a removed: the bridge loses it and both rows are deleted.
    static let deletePort = """
        {"id":null,"method":"update","params":["swiftplane",{\
        "Bridge":{"\(bridge)":{"old":{"ports":["set",[["uuid","\(portBr0)"],["uuid","\(portA)"]]]},\
        "new":{"name":"br0","datapath_id":"0000aabbccddeeff","ports":["uuid","\(portBr0)"]}}},\
        "Port":{"\(portA)":{"old":{"name":"a","interfaces":["uuid","\(ifaceA)"],"tag":["set",[]],"external_ids":["map",[]]}}},\
        "Interface":{"\(ifaceA)":{"old":{"name":"a","ofport":7}}}}]}
        """

    static let echo = #"{"id":"echo","method":"echo","params":[]}"#

    /// Every vector, for the robustness sweep and fuzz seeds.
    static let all = [initialReply, changeVNI, deletePort, echo]
}
