// OuiTable: IEEE listings (MA-L 24-bit, MA-M 28-bit, MA-S/IAB 36-bit blocks), the most specific
// block wins; and the real listing of Debian's ieee-data.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "enrich/oui.hpp"

namespace netlens {
namespace {

std::string tempFile(const std::string& name, const std::string& text) {
  const auto p = std::filesystem::temp_directory_path() / ("netlens-oui-test-" + std::to_string(getpid()) + "-" + name);
  std::ofstream(p) << text;
  return p.string();
}

TEST(OuiTable, MostSpecificBlockWins) {
  OuiTable t;
  ASSERT_TRUE(t.loadCsv(tempFile("l.csv",
                                 "Registry,Assignment,Organization Name,Organization Address\n"
                                 "MA-L,70B3D5,IEEE Registration Authority,445 Hoes Lane\n"
                                 "MA-L,00d0ef,\"Quoted, Inc.\",\"Somewhere, Far\"\n"
                                 "MA-L,ZZZZZZ,Bad hex,\n"
                                 "MA-L,001122\n")));
  ASSERT_TRUE(t.loadCsv(tempFile("m.csv", "Registry,Assignment,Organization Name,Organization Address\nMA-M,70B3D5A,Twenty-eight Bits,\n")));
  ASSERT_TRUE(t.loadCsv(tempFile("s.csv", "Registry,Assignment,Organization Name,Organization Address\nMA-S,70B3D5F2F,Thirty-six Bits,x\n")));
  EXPECT_FALSE(t.loadCsv("/nonexistent/oui.csv"));
  EXPECT_EQ(t.size(), 4u);
  EXPECT_EQ(t.malformedLines(), 2u);
  EXPECT_EQ(t.vendor({0x70, 0xB3, 0xD5, 0xF2, 0xF0, 0x01}), "Thirty-six Bits");
  EXPECT_EQ(t.vendor({0x70, 0xB3, 0xD5, 0xF2, 0xE0, 0x01}), "IEEE Registration Authority");
  EXPECT_EQ(t.vendor({0x70, 0xB3, 0xD5, 0xA1, 0x23, 0x45}), "Twenty-eight Bits");
  EXPECT_EQ(t.vendor({0x00, 0xD0, 0xEF, 0, 0, 1}), "Quoted, Inc.");
  EXPECT_EQ(t.vendor({0x02, 0, 0, 0, 0, 1}), "");
}

TEST(OuiTable, DebianIeeeData) {
  auto t = OuiTable::loadDir("/usr/share/ieee-data");
  if (t->size() == 0) GTEST_SKIP() << "ieee-data is not installed";
  EXPECT_GT(t->size(), 40000u);
  // Lines of the listing itself, read back through the table.
  std::ifstream in("/usr/share/ieee-data/oui.csv");
  std::string line;
  int checked = 0;
  while (std::getline(in, line) && checked < 200) {
    if (line.rfind("MA-L,", 0) != 0 || line.find('"') != std::string::npos) continue;
    const std::string hex = line.substr(5, 6);
    const size_t name_end = line.find(',', 12);
    std::string name = line.substr(12, name_end - 12);
    while (!name.empty() && name.back() == ' ') name.pop_back();
    const std::array<uint8_t, 6> mac{uint8_t(std::stoul(hex.substr(0, 2), nullptr, 16)), uint8_t(std::stoul(hex.substr(2, 2), nullptr, 16)),
                                     uint8_t(std::stoul(hex.substr(4, 2), nullptr, 16)), 0x12, 0x34, 0x56};
    // A 24-bit block may hold more specific ones (the IEEE's own blocks), so only those
    // without are compared.
    if (name.rfind("IEEE Registration Authority", 0) == 0) continue;
    EXPECT_EQ(t->vendor(mac), name) << line;
    ++checked;
  }
  EXPECT_EQ(checked, 200);
}

}  // namespace
}  // namespace netlens
