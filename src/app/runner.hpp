#pragma once
#include "app/options.hpp"

namespace netlens {

// Wires sources, engines and sinks together, runs one packet thread per interface and handles
// signals. Returns the process exit code.
int runNetlens(const Options& options);

}  // namespace netlens
