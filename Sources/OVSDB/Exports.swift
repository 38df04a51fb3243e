// The small values this module's API takes (addresses, ranges, endpoints)
// live in ConfigurationValues, below the runtimes, so the configuration
// modules need no runtime; a client of this module sees them as before.
@_exported import ConfigurationValues
// JSON values and their codec live in JSON, which the CNI plugin shares; the
// JSON-RPC messages here are made of them.
@_exported import JSON
