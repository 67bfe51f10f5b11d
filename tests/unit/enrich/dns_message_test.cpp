#include <gtest/gtest.h>

#include "dns_builder.hpp"
#include "enrich/dns_message.hpp"

namespace netlens::enrich {
namespace {

using test::DnsBuilder;

std::vector<DnsAddressRecord> readAll(const std::vector<uint8_t>& m, DnsFlavor flavor, DnsError* error = nullptr) {
  DnsMessageReader r(m.data(), m.size(), flavor);
  std::vector<DnsAddressRecord> out;
  if (r.begin()) {
    DnsAddressRecord rec;
    while (r.next(rec)) out.push_back(rec);
  }
  if (error) *error = r.error();
  return out;
}

TEST(DnsMessage, AnswersWithCompressionAndCname) {
  DnsBuilder d;
  d.header(0x8180, 1, 3);
  const size_t q = d.name("www.example.com");
  d.u16(1);
  d.u16(1);
  d.pointer(q);  // www.example.com CNAME edge.cdn.example.net
  DnsBuilder target;
  target.name("edge.cdn.example.net");
  d.rr(5, 60, target.b);
  const size_t edge = d.b.size() - target.b.size();
  d.pointer(edge);
  d.rr(1, 60, {192, 0, 2, 7});
  d.pointer(edge);
  d.rr(28, 60, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9});

  DnsMessageReader r(d.b.data(), d.b.size());
  ASSERT_TRUE(r.begin());
  EXPECT_TRUE(r.isResponse());
  EXPECT_EQ(r.question().view(), "www.example.com");
  EXPECT_EQ(r.questionType(), 1);
  DnsAddressRecord rec;
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.type, DnsRecordType::A);
  EXPECT_EQ(rec.address.toString(), "192.0.2.7");
  EXPECT_EQ(rec.name.view(), "edge.cdn.example.net");
  EXPECT_EQ(rec.ttl, 60u);
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.type, DnsRecordType::Aaaa);
  EXPECT_EQ(rec.address.toString(), "2001:db8::9");
  EXPECT_FALSE(r.next(rec));
  EXPECT_EQ(r.error(), DnsError::None);
}

TEST(DnsMessage, AddressOwnersCanBeSkipped) {
  // The same answer as above, read by a caller that names the addresses after the question.
  DnsBuilder d;
  d.header(0x8180, 1, 2);
  const size_t q = d.name("www.example.com");
  d.u16(1);
  d.u16(1);
  d.pointer(q);
  d.rr(1, 60, {192, 0, 2, 7});
  d.name("other.example");
  d.rr(28, 30, {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9});
  DnsMessageReader r(d.b.data(), d.b.size());
  ASSERT_TRUE(r.begin());
  r.skipAddressOwners();
  DnsAddressRecord rec;
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.type, DnsRecordType::A);
  EXPECT_EQ(rec.address.toString(), "192.0.2.7");
  EXPECT_EQ(rec.name.len, 0);
  EXPECT_EQ(rec.ttl, 60u);
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.type, DnsRecordType::Aaaa);
  EXPECT_EQ(rec.address.toString(), "2001:db8::9");
  EXPECT_EQ(rec.name.len, 0);
  EXPECT_FALSE(r.next(rec));
  EXPECT_EQ(r.error(), DnsError::None);
}

TEST(DnsMessage, NamesThatAreNotReadAreSteppedOverNotFollowed) {
  // A TXT record's owner points backwards at bytes that are no name (the header's flags, 0x81:
  // label type 0x80): it is stepped over, and the A record after it is read. An A record whose
  // owner points there is an error: that name is read.
  for (const bool a_points_there : {false, true}) {
    DnsBuilder d;
    d.header(0x8180, 1, 2);
    const size_t q = d.name("host.example");
    d.u16(1);
    d.u16(1);
    d.pointer(2);
    d.rr(16, 60, {3, 'a', 'b', 'c'});
    d.pointer(a_points_there ? 2 : q);
    d.rr(1, 60, {192, 0, 2, 8});
    DnsError e{};
    const auto recs = readAll(d.b, DnsFlavor::Dns, &e);
    if (a_points_there) {
      EXPECT_TRUE(recs.empty());
      EXPECT_EQ(e, DnsError::BadLabel);
    } else {
      ASSERT_EQ(recs.size(), 1u);
      EXPECT_EQ(recs[0].address.toString(), "192.0.2.8");
      EXPECT_EQ(recs[0].name.view(), "host.example");
      EXPECT_EQ(e, DnsError::None);
    }
  }
}

TEST(DnsMessage, PtrAnswerNamesTheAddressOfTheReverseName) {
  DnsBuilder d;
  d.header(0x8180, 1, 1);
  const size_t q = d.name("7.2.0.192.in-addr.arpa");
  d.u16(12);
  d.u16(1);
  d.pointer(q);
  DnsBuilder t;
  t.name("host.example.org");
  d.rr(12, 300, t.b);
  const auto recs = readAll(d.b, DnsFlavor::Dns);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].type, DnsRecordType::Ptr);
  EXPECT_EQ(recs[0].address.toString(), "192.0.2.7");
  EXPECT_EQ(recs[0].name.view(), "host.example.org");
}

TEST(DnsMessage, ReverseNames) {
  char buf[80];
  const auto v4 = *IpAddress::parse("10.1.2.3");
  EXPECT_EQ(std::string(buf, reverseNameOf(v4, buf)), "3.2.1.10.in-addr.arpa");
  EXPECT_EQ(addressOfReverseName("3.2.1.10.in-addr.arpa"), v4);
  const auto v6 = *IpAddress::parse("2001:db8::567:89ab");
  const std::string r6(buf, reverseNameOf(v6, buf));
  EXPECT_EQ(r6, "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
  EXPECT_EQ(addressOfReverseName(r6), v6);
  EXPECT_EQ(addressOfReverseName("3.2.1.IN-ADDR.ARPA"), IpAddress{});  // three labels
  EXPECT_EQ(addressOfReverseName("3.2.1.256.in-addr.arpa"), IpAddress{});
  EXPECT_EQ(addressOfReverseName("_http._tcp.local"), IpAddress{});
}

TEST(DnsMessage, ServicePointersAreNotAddresses) {
  DnsBuilder d;
  d.header(0x8400, 0, 1);
  d.name("_http._tcp.local");
  DnsBuilder t;
  t.name("printer._http._tcp.local");
  d.rr(12, 120, t.b);
  EXPECT_TRUE(readAll(d.b, DnsFlavor::Mdns).empty());
}

TEST(DnsMessage, CompressionLoopsAreRejected) {
  // A name that points at itself, and two names pointing at each other.
  DnsBuilder self;
  self.header(0x8180, 1, 0);
  self.pointer(12);
  self.u16(1);
  self.u16(1);
  DnsMessageReader r(self.b.data(), self.b.size());
  EXPECT_FALSE(r.begin());
  EXPECT_EQ(r.error(), DnsError::BadPointer);

  DnsBuilder pair;
  pair.header(0x8180, 1, 1);
  pair.name("a.example");
  pair.u16(1);
  pair.u16(1);
  const size_t p1 = pair.b.size();
  pair.pointer(p1 + 2);  // forward pointer: to the next one
  pair.pointer(p1);      // backward to the first
  pair.rr(1, 1, {1, 2, 3, 4});
  DnsError e{};
  EXPECT_TRUE(readAll(pair.b, DnsFlavor::Dns, &e).empty());
  EXPECT_EQ(e, DnsError::BadPointer);
}

TEST(DnsMessage, MalformedMessagesAreRejectedNotRead) {
  DnsError e{};
  // Too short for a header.
  const std::vector<uint8_t> tiny = {0x12, 0x34, 0x81};
  EXPECT_TRUE(readAll(tiny, DnsFlavor::Dns, &e).empty());
  EXPECT_EQ(e, DnsError::Truncated);
  // More records announced than bytes present.
  DnsBuilder many;
  many.header(0x8180, 0, 60000);
  EXPECT_TRUE(readAll(many.b, DnsFlavor::Dns, &e).empty());
  EXPECT_EQ(e, DnsError::TooManyRecords);
  // A label running past the end.
  DnsBuilder cut;
  cut.header(0x8180, 1, 0);
  cut.b.push_back(40);
  for (int i = 0; i < 10; ++i) cut.b.push_back('a');
  EXPECT_TRUE(readAll(cut.b, DnsFlavor::Dns, &e).empty());
  EXPECT_EQ(e, DnsError::Truncated);
  // Label types 0x40 and 0x80 do not exist.
  DnsBuilder bad;
  bad.header(0x8180, 1, 0);
  bad.b.push_back(0x41);
  bad.b.push_back(0);
  bad.u16(1);
  bad.u16(1);
  EXPECT_TRUE(readAll(bad.b, DnsFlavor::Dns, &e).empty());
  EXPECT_EQ(e, DnsError::BadLabel);
  // A name longer than 255 bytes (five labels of 63).
  DnsBuilder lng;
  lng.header(0x8180, 1, 0);
  lng.name(std::string(63, 'a') + "." + std::string(63, 'b') + "." + std::string(63, 'c') + "." +
           std::string(63, 'd') + "." + std::string(63, 'e'));
  lng.u16(1);
  lng.u16(1);
  EXPECT_TRUE(readAll(lng.b, DnsFlavor::Dns, &e).empty());
  EXPECT_EQ(e, DnsError::NameTooLong);
  // An RDATA length beyond the message: the records before it still count.
  DnsBuilder rd;
  rd.header(0x8180, 0, 2);
  rd.name("ok.example");
  rd.rr(1, 5, {10, 0, 0, 1});
  rd.name("cut.example");
  rd.u16(1);
  rd.u16(1);
  rd.u32(5);
  rd.u16(200);
  rd.b.push_back(1);
  const auto recs = readAll(rd.b, DnsFlavor::Dns, &e);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].name.view(), "ok.example");
  EXPECT_EQ(e, DnsError::Truncated);
}

TEST(DnsMessage, UnprintableNamesAreSkipped) {
  DnsBuilder d;
  d.header(0x8180, 0, 2);
  d.name(std::string("bad\x01name.example"));
  d.rr(1, 5, {10, 0, 0, 1});
  d.name("good.example");
  d.rr(1, 5, {10, 0, 0, 2});
  const auto recs = readAll(d.b, DnsFlavor::Dns);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].name.view(), "good.example");
}

// RFC 1002 first-level encoding of a 16-byte NetBIOS name.
std::string netbiosEncode(std::string name, uint8_t suffix) {
  name.resize(15, ' ');
  name.push_back(char(suffix));
  std::string out;
  for (unsigned char c : name) {
    out.push_back(char('A' + (c >> 4)));
    out.push_back(char('A' + (c & 15)));
  }
  return out;
}

TEST(DnsMessage, NetbiosRegistrationNamesItsAddress) {
  // A name registration request: the NB record is in the additional section.
  DnsBuilder d;
  d.header(0x2910, 1, 0, 0, 1);
  const size_t q = d.name(netbiosEncode("WORKSTATION7", 0x00));
  d.u16(32);
  d.u16(1);
  d.pointer(q);
  d.rr(32, 300000, {0x00, 0x00, 10, 0, 0, 7});
  DnsMessageReader r(d.b.data(), d.b.size(), DnsFlavor::Netbios);
  ASSERT_TRUE(r.begin());
  EXPECT_EQ(r.question().view(), "WORKSTATION7");
  DnsAddressRecord rec;
  ASSERT_TRUE(r.next(rec));
  EXPECT_EQ(rec.type, DnsRecordType::Nb);
  EXPECT_EQ(rec.name.view(), "WORKSTATION7");
  EXPECT_EQ(rec.address.toString(), "10.0.0.7");
  EXPECT_EQ(rec.netbios_suffix, 0x00);
  EXPECT_FALSE(rec.netbios_group);
  EXPECT_FALSE(r.next(rec));

  // A group name with two addresses.
  DnsBuilder g;
  g.header(0x8500, 0, 1);
  g.name(netbiosEncode("WORKGROUP", 0x1E));
  g.rr(32, 0, {0x80, 0x00, 10, 0, 0, 1, 0x80, 0x00, 10, 0, 0, 2});
  const auto recs = readAll(g.b, DnsFlavor::Netbios);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_TRUE(recs[1].netbios_group);
  EXPECT_EQ(recs[1].address.toString(), "10.0.0.2");
  EXPECT_EQ(recs[1].netbios_suffix, 0x1E);
}

TEST(DnsMessage, NetbiosNameDecoding) {
  DnsName n;
  uint8_t suffix = 0xFF;
  ASSERT_TRUE(decodeNetbiosName(netbiosEncode("GURU", 0x20), n, suffix));
  EXPECT_EQ(n.view(), "GURU");
  EXPECT_EQ(suffix, 0x20);
  EXPECT_FALSE(decodeNetbiosName("ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEF", n, suffix));  // letters past 'P'
  EXPECT_FALSE(decodeNetbiosName("AAAA", n, suffix));
}

}  // namespace
}  // namespace netlens::enrich
