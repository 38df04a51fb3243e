// The address types live in NetAddress, shared with Packets and BGP so a
// frame's addresses go into flows unconverted. Re-exported so code that
// says `import OpenFlow` sees EthernetAddress (alias MACAddress) too.
@_exported import NetAddress
