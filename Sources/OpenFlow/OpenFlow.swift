// The OpenFlow module. (Placeholder until its issue lands.)
