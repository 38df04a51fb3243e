// The BGP module. (Placeholder until its issue lands.)
