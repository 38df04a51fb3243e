// The values here are written in NetAddress's types (`IPAddress`, `HostPort.text`):
// re-exported so a module that reads a configuration sees them with it.
@_exported import NetAddress
