#pragma once
// Time in netlens is microseconds since the epoch. The engine's clock is packet time for file
// sources and wall time for live ones (see NetworkInterface::advanceClock).
#include <chrono>
#include <cstdint>

namespace netlens {

using Micros = uint64_t;
inline constexpr Micros kMicrosPerSecond = 1'000'000;

inline Micros wallClockMicros() {
  return Micros(std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count());
}

}  // namespace netlens
