// Writes seeds for fuzz_netflow: v5, v9 (templates, options templates, data) and IPFIX
// (enterprise and variable-length fields, options) datagrams built with the unit tests' builders,
// in fuzz_netflow's layout (a control byte before each datagram, "\xFF\xFE\xFD" between them).
//
// usage: fuzz_netflow_seeds OUT_DIR
#include <string>
#include <utility>
#include <vector>

#include "export_builders.hpp"
#include "seed_files.hpp"

namespace netlens::test {
namespace {

using namespace flowexport;

Bytes chain(const std::vector<Bytes>& datagrams) {
  Bytes input;
  for (size_t i = 0; i < datagrams.size(); ++i) {
    if (i > 0) input.insert(input.end(), {0xFF, 0xFE, 0xFD});
    input.push_back(0);
    append(input, datagrams[i]);
  }
  return input;
}

fuzz::NamedSeeds seeds() {
  V5Flow flow;
  Bytes opt;
  put32(opt, 0);
  put32(opt, 64);
  const Bytes v9_options = v9Datagram(
      {set(1, v9OptionsTemplateRecord(257, {{1, 4}}, {{34, 4}})), set(257, opt)}, 1000, 1, 1);
  const Bytes v9_template = v9Datagram({set(0, templateRecord(256, ipv4Template()))}, 1000, 1, 1);
  const Bytes v9_data = v9Datagram(
      {set(256, ipv4Record("10.0.0.1", "10.0.0.2", 1, 2, 6, 100, 1, 900, 1000), true)}, 1000, 1, 1);
  Bytes ipfix_rec = {10, 0, 0, 1, 3, 'a', 'b', 'c', 0, 0, 0, 0, 0, 0, 0, 9, 1, 2, 3, 4};
  const Bytes ipfix = ipfixMessage(
      {set(2, templateRecord(300, {{8, 4}, {96, 65535}, {1, 8}, {100, 4, 9}})), set(300, ipfix_rec)},
      1, 1);
  Bytes iopt;
  put32(iopt, 1);
  put32(iopt, 100);
  const Bytes ipfix_options = ipfixMessage(
      {set(3, ipfixOptionsTemplateRecord(500, {{149, 4}}, {{305, 4}})), set(500, iopt)}, 1, 1);
  return {
      {"v5", chain({v5Datagram({flow, flow}, 1000, 1)})},
      {"v9-one", chain({v9Datagram({set(0, templateRecord(256, ipv4Template())),
                                    set(256, ipv4Record("10.0.0.1", "10.0.0.2", 1, 2, 6, 1, 1, 1, 1))},
                                   1000, 1, 1)})},
      {"v9-chain", chain({v9_options, v9_template, v9_data})},
      {"ipfix", chain({ipfix})},
      {"ipfix-chain", chain({ipfix_options, ipfix, ipfix})},
  };
}

}  // namespace
}  // namespace netlens::test

int main(int argc, char** argv) { return netlens::fuzz::writeSeedFiles(argc, argv, netlens::test::seeds); }
