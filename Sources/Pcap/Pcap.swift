// The Pcap module. (Placeholder until its issue lands.)
