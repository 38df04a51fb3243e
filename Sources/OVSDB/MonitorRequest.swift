/// The `monitor` request (RFC 7047 section 4.1.5): which tables and columns
/// to receive, first as the initial reply and then as `update` notifications.
public struct OVSDBMonitorRequest: Sendable, Hashable {
    public var database: String
    /// Echoed back as the first param of each `update`, to tell monitors apart.
    public var monitorID: JSONValue
    /// Table name to the columns wanted from it.
    public var columns: [String: [String]]

    public init(database: String = "Open_vSwitch", monitorID: JSONValue = "swiftplane", columns: [String: [String]]) {
        self.database = database
        self.monitorID = monitorID
        self.columns = columns
    }

    /// What the agent needs to know the local ports and their tenants.
    public static let localPorts = OVSDBMonitorRequest(columns: [
        "Bridge": ["name", "ports", "datapath_id"],
        "Port": ["name", "interfaces", "tag", "external_ids"],
        "Interface": ["name", "ofport", "external_ids", "type", "options", "error", "mac_in_use"],
    ])

    /// The request message; every change kind is selected (the default).
    public func message(id: JSONValue) -> JSONRPCMessage {
        var requests: [String: JSONValue] = [:]
        for (table, names) in columns {
            requests[table] = ["columns": .array(names.map { .string($0) })]
        }
        return .request(method: "monitor", params: [.string(database), monitorID, .object(requests)], id: id)
    }
}
