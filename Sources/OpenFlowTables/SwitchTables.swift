/// Everything the application wants on one switch: its flows, and the
/// groups and meters they use. Groups or meters left nil are not managed
/// (never read, never changed); an empty table removes ours.
public struct SwitchTables: Sendable, Hashable {
    public var flows: FlowTable
    public var groups: GroupTable?
    public var meters: MeterTable?

    public init(flows: FlowTable = FlowTable(), groups: GroupTable? = nil, meters: MeterTable? = nil) {
        self.flows = flows
        self.groups = groups
        self.meters = meters
    }
}
