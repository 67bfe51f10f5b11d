#pragma once
// CPU time of the calling thread, for the benchmark programs: their figures are per
// core-second even on a busy machine, where wall time would count the time other processes had
// the core.
#include <time.h>

namespace netlens::bench {

inline double threadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

}  // namespace netlens::bench
