// The address types live in NetAddress, shared with BGP so a frame's
// addresses go into routes and flows unconverted. Re-exported so code that
// says `import Packets` (and `Packets.IPv4Address`) keeps seeing them.
@_exported import NetAddress
