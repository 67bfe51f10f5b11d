#pragma once
// Time in netlens is microseconds since the epoch. The engine's clock is packet time for file
// sources and wall time for live ones (see NetworkInterface::advanceClock).
#include <chrono>
#include <cstdint>
#include <ctime>

namespace netlens {

using Micros = uint64_t;
inline constexpr Micros kMicrosPerSecond = 1'000'000;

inline Micros wallClockMicros() {
  return Micros(std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count());
}

// CPU time the calling thread has used (user + system): what a packet thread costs, whatever
// else the machine runs.
inline Micros threadCpuMicros() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return Micros(ts.tv_sec) * kMicrosPerSecond + Micros(ts.tv_nsec) / 1000;
}

}  // namespace netlens
