// The Packets module. (Placeholder until its issue lands.)
