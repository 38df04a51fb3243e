#ifndef SWIFTPLANE_CLIBPCAP_SHIM_H
#define SWIFTPLANE_CLIBPCAP_SHIM_H
#include <pcap/pcap.h>
#endif
