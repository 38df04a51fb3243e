#ifndef SWIFTPLANE_CEPOLL_SHIM_H
#define SWIFTPLANE_CEPOLL_SHIM_H
// Linux's epoll, which Glibc's Swift module leaves out: the bench's bare loops use it.
#include <sys/epoll.h>
#endif
