#!/usr/bin/env bash
# The one command that runs every test on a fresh Debian 12 machine: installs what is missing,
# builds netlens twice (release, and ASan+UBSan), and runs the whole suite with ctest: unit
# tests, integration tests on real captures and real peers, the reference corpus, and the
# corpus again under the sanitizers; the decoder's fuzzer runs for 20 s before. ctest's summary
# is the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
jobs=$(nproc)

# Sanitizer build first: the release build's test list includes its corpus run.
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DNETLENS_SANITIZE=ON -DNETLENS_TESTS=OFF >/dev/null
cmake --build build-asan -j"$jobs" --target netlens

# The decoder's libFuzzer target, briefly (clang; it keeps its corpus in build-fuzz/).
tests/fuzz/run-fuzzers.sh "${NETLENS_FUZZ_SECONDS:-20}"

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNETLENS_ASAN_BINARY="$PWD/build-asan/netlens" >/dev/null
cmake --build build -j"$jobs"
cd build
exec ctest --output-on-failure -j"$jobs" "$@"
