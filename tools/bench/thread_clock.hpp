#pragma once
// CPU time of the calling thread, for the benchmark programs: their figures are per
// core-second even on a busy machine, where wall time would count the time other processes had
// the core.
#include "core/timestamp.hpp"

namespace netlens::bench {

inline double threadCpuSeconds() { return double(threadCpuMicros()) * 1e-6; }

}  // namespace netlens::bench
