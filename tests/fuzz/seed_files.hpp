#pragma once
// The main of a seed generator (`fuzz_X_seeds OUT_DIR`): each named seed becomes the file
// OUT_DIR/NAME.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace netlens::fuzz {

using NamedSeeds = std::vector<std::pair<std::string, std::vector<uint8_t>>>;

// Writes what `seeds()` makes into the directory that is the one argument; returns main's exit
// status (2, with a usage line, when the arguments are not one directory).
inline int writeSeedFiles(int argc, char** argv, NamedSeeds (*seeds)()) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  for (const auto& [name, bytes] : seeds()) {
    std::ofstream(std::string(argv[1]) + "/" + name, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  }
  return 0;
}

}  // namespace netlens::fuzz
