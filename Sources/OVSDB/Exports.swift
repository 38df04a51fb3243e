// The small values this module's API takes (addresses, ranges, endpoints)
// live in ConfigurationValues, below the runtimes, so the configuration
// modules need no runtime; a client of this module sees them as before.
@_exported import ConfigurationValues
