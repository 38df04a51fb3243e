// The address types live in NetAddress, shared with Packets so a frame's
// addresses go into routes unconverted. Re-exported so code that says
// `import BGP` (and `BGP.EthernetAddress`) keeps seeing them.
@_exported import NetAddress
