/// The values the controller keeps and takes (flows, groups, meters and
/// their shadows) come with it: an application importing the controller
/// names them without a second import.
@_exported import OpenFlowTables
// Where the controller listens is a configuration value, below the runtime.
@_exported import ConfigurationValues
