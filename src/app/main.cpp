#include <cstdio>

#include "app/options.hpp"
#include "app/runner.hpp"

int main(int argc, char** argv) {
  const netlens::ParseOutcome parsed = netlens::parseOptions(argc, argv);
  if (!parsed.options) {
    std::fputs(parsed.output.c_str(), parsed.exit_code == 0 ? stdout : stderr);
    return parsed.exit_code;
  }
  return netlens::runNetlens(*parsed.options);
}
