// netlens-make-sample: writes a small, deterministic capture of ordinary office traffic
// (DNS, HTTP, TLS, NTP, ICMP, ARP between a few local hosts and some servers) so that netlens
// has something to show on a machine where it may not capture. Every byte is generated here.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

using Bytes = std::vector<uint8_t>;

void put16(Bytes& b, uint16_t v) {
  b.push_back(uint8_t(v >> 8));
  b.push_back(uint8_t(v));
}
void put32(Bytes& b, uint32_t v) {
  put16(b, uint16_t(v >> 16));
  put16(b, uint16_t(v));
}
void putStr(Bytes& b, const std::string& s) { b.insert(b.end(), s.begin(), s.end()); }

uint32_t ipv4(int a, int b, int c, int d) { return uint32_t(a) << 24 | uint32_t(b) << 16 | uint32_t(c) << 8 | uint32_t(d); }

class PcapWriter {
 public:
  explicit PcapWriter(FILE* f) : f_(f) {
    Bytes h;
    const uint32_t magic = 0xa1b2c3d4;
    h.resize(24);
    std::memcpy(h.data(), &magic, 4);  // native byte order, as libpcap writes it
    const uint16_t major = 2, minor = 4;
    std::memcpy(h.data() + 4, &major, 2);
    std::memcpy(h.data() + 6, &minor, 2);
    const uint32_t snaplen = 65535, linktype = 1;
    std::memcpy(h.data() + 16, &snaplen, 4);
    std::memcpy(h.data() + 20, &linktype, 4);
    std::fwrite(h.data(), 1, h.size(), f_);
  }
  void write(uint64_t ts_us, const Bytes& frame) {
    uint32_t rec[4] = {uint32_t(ts_us / 1000000), uint32_t(ts_us % 1000000), uint32_t(frame.size()),
                       uint32_t(frame.size())};
    std::fwrite(rec, 4, 4, f_);
    std::fwrite(frame.data(), 1, frame.size(), f_);
  }

 private:
  FILE* f_;
};

struct Host {
  uint32_t ip;
  uint8_t mac[6];
};

Bytes ethernet(const Host& src, const Host& dst, uint16_t type, const Bytes& payload) {
  Bytes b(dst.mac, dst.mac + 6);
  b.insert(b.end(), src.mac, src.mac + 6);
  put16(b, type);
  b.insert(b.end(), payload.begin(), payload.end());
  while (b.size() < 60) b.push_back(0);
  return b;
}

uint16_t checksum(const uint8_t* p, size_t n) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < n; i += 2) sum += uint32_t(p[i] << 8 | p[i + 1]);
  if (n & 1) sum += uint32_t(p[n - 1] << 8);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return uint16_t(~sum);
}

Bytes ip(uint32_t src, uint32_t dst, uint8_t proto, const Bytes& l4) {
  static uint16_t id = 1;
  Bytes b;
  b.push_back(0x45);
  b.push_back(0);
  put16(b, uint16_t(20 + l4.size()));
  put16(b, id++);
  put16(b, 0x4000);
  b.push_back(64);
  b.push_back(proto);
  put16(b, 0);
  put32(b, src);
  put32(b, dst);
  const uint16_t c = checksum(b.data(), 20);
  b[10] = uint8_t(c >> 8);
  b[11] = uint8_t(c);
  b.insert(b.end(), l4.begin(), l4.end());
  return b;
}

Bytes udp(uint16_t sport, uint16_t dport, const Bytes& payload) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put16(b, uint16_t(8 + payload.size()));
  put16(b, 0);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

Bytes tcp(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, const Bytes& payload) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put32(b, seq);
  put32(b, ack);
  b.push_back(0x50);
  b.push_back(flags);
  put16(b, 64240);
  put32(b, 0);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

Bytes dnsName(const std::string& name) {
  Bytes b;
  size_t start = 0;
  while (start <= name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string::npos) dot = name.size();
    b.push_back(uint8_t(dot - start));
    putStr(b, name.substr(start, dot - start));
    start = dot + 1;
  }
  b.push_back(0);
  return b;
}

Bytes dnsMessage(uint16_t id, const std::string& name, bool response, uint32_t answer) {
  Bytes b;
  put16(b, id);
  put16(b, response ? 0x8180 : 0x0100);
  put16(b, 1);
  put16(b, response ? 1 : 0);
  put32(b, 0);
  Bytes q = dnsName(name);
  b.insert(b.end(), q.begin(), q.end());
  put16(b, 1);  // A
  put16(b, 1);  // IN
  if (response) {
    put16(b, 0xC00C);
    put16(b, 1);
    put16(b, 1);
    put32(b, 300);
    put16(b, 4);
    put32(b, answer);
  }
  return b;
}

Bytes tlsClientHello(const std::string& sni) {
  Bytes ext;
  // server_name
  put16(ext, 0x0000);
  put16(ext, uint16_t(sni.size() + 5));
  put16(ext, uint16_t(sni.size() + 3));
  ext.push_back(0);
  put16(ext, uint16_t(sni.size()));
  putStr(ext, sni);
  // supported_groups, ec_point_formats, signature_algorithms, supported_versions (TLS 1.3, 1.2)
  for (uint16_t v : {0x000a, 0x0004, 0x0002, 0x001d}) put16(ext, v);
  for (uint16_t v : {0x000b, 0x0002}) put16(ext, v);
  ext.push_back(1);
  ext.push_back(0);
  for (uint16_t v : {0x000d, 0x0004, 0x0002, 0x0403}) put16(ext, v);
  for (uint16_t v : {0x002b, 0x0005}) put16(ext, v);
  ext.push_back(4);
  put16(ext, 0x0304);
  put16(ext, 0x0303);

  Bytes hello;
  put16(hello, 0x0303);
  for (int i = 0; i < 32; ++i) hello.push_back(uint8_t(i * 7 + 1));
  hello.push_back(0);  // session id
  put16(hello, 6);
  for (uint16_t c : {0x1301, 0xc02f, 0x009c}) put16(hello, c);
  hello.push_back(1);
  hello.push_back(0);
  put16(hello, uint16_t(ext.size()));
  hello.insert(hello.end(), ext.begin(), ext.end());

  Bytes hs;
  hs.push_back(1);
  hs.push_back(0);
  put16(hs, uint16_t(hello.size()));
  hs.insert(hs.end(), hello.begin(), hello.end());
  Bytes rec = {0x16, 0x03, 0x01};
  put16(rec, uint16_t(hs.size()));
  rec.insert(rec.end(), hs.begin(), hs.end());
  return rec;
}

struct Writer {
  PcapWriter& out;
  uint64_t now;

  void send(const Host& a, const Host& b, const Bytes& ip_packet, uint64_t gap_us = 800) {
    now += gap_us;
    out.write(now, ethernet(a, b, 0x0800, ip_packet));
  }

  // A TCP conversation: handshake, request, response segments, close.
  void tcpSession(const Host& cli, const Host& srv, const Host& gw, uint16_t sport, uint16_t dport,
                  const Bytes& request, const Bytes& response, int response_segments) {
    uint32_t cs = 1000 + sport, ss = 50000 + sport;
    const Host& srv_hop = gw;  // frames to remote servers go through the gateway's MAC
    send(cli, srv_hop, ip(cli.ip, srv.ip, 6, tcp(sport, dport, cs, 0, 0x02, {})));
    send(srv_hop, cli, ip(srv.ip, cli.ip, 6, tcp(dport, sport, ss, cs + 1, 0x12, {})), 20000);
    ++cs;
    ++ss;
    send(cli, srv_hop, ip(cli.ip, srv.ip, 6, tcp(sport, dport, cs, ss, 0x10, {})));
    send(cli, srv_hop, ip(cli.ip, srv.ip, 6, tcp(sport, dport, cs, ss, 0x18, request)));
    cs += uint32_t(request.size());
    for (int i = 0; i < response_segments; ++i) {
      send(srv_hop, cli, ip(srv.ip, cli.ip, 6, tcp(dport, sport, ss, cs, 0x18, response)), 15000);
      ss += uint32_t(response.size());
      if (i % 2 == 1) send(cli, srv_hop, ip(cli.ip, srv.ip, 6, tcp(sport, dport, cs, ss, 0x10, {})));
    }
    send(cli, srv_hop, ip(cli.ip, srv.ip, 6, tcp(sport, dport, cs, ss, 0x11, {})));
    send(srv_hop, cli, ip(srv.ip, cli.ip, 6, tcp(dport, sport, ss, cs + 1, 0x11, {})), 15000);
    send(cli, srv_hop, ip(cli.ip, srv.ip, 6, tcp(sport, dport, cs + 1, ss + 1, 0x10, {})));
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: netlens-make-sample OUT.pcap\n");
    return 2;
  }
  FILE* f = std::fopen(argv[1], "wb");
  if (!f) {
    std::perror(argv[1]);
    return 1;
  }
  PcapWriter pcap(f);
  Writer w{pcap, 1'764'000'000ull * 1'000'000ull};

  const Host gw{ipv4(192, 168, 1, 1), {0x00, 0x1b, 0x21, 0x0a, 0x00, 0x01}};
  const Host laptops[] = {{ipv4(192, 168, 1, 10), {0x3c, 0x22, 0xfb, 0x10, 0x00, 0x10}},
                          {ipv4(192, 168, 1, 11), {0x3c, 0x22, 0xfb, 0x10, 0x00, 0x11}},
                          {ipv4(192, 168, 1, 12), {0xf0, 0x18, 0x98, 0x10, 0x00, 0x12}}};
  const Host nas{ipv4(192, 168, 1, 20), {0x00, 0x11, 0x32, 0x10, 0x00, 0x20}};
  // Servers on documentation ranges (RFC 5737): never real hosts.
  const Host web{ipv4(203, 0, 113, 80), {}};
  const Host tls_sites[] = {{ipv4(198, 51, 100, 10), {}}, {ipv4(198, 51, 100, 20), {}}, {ipv4(203, 0, 113, 30), {}}};
  const char* tls_names[] = {"mail.netlens.example", "docs.netlens.example", "cdn.netlens.example"};
  const Host ntp{ipv4(198, 51, 100, 123), {}};

  for (int round = 0; round < 30; ++round) {
    for (int i = 0; i < 3; ++i) {
      const Host& me = laptops[i];
      const uint16_t base = uint16_t(40000 + round * 16 + i * 4);
      // DNS lookup through the gateway, then HTTPS to that name.
      const std::string& name = tls_names[(round + i) % 3];
      const Host& site = tls_sites[(round + i) % 3];
      const uint16_t qid = uint16_t(round * 8 + i);
      w.send(me, gw, ip(me.ip, gw.ip, 17, udp(base, 53, dnsMessage(qid, name, false, 0))));
      w.send(gw, me, ip(gw.ip, me.ip, 17, udp(53, base, dnsMessage(qid, name, true, site.ip))), 12000);
      Bytes payload(1200, 0x17);
      w.tcpSession(me, site, gw, uint16_t(base + 1), 443, tlsClientHello(name), payload, 6 + (round % 5));
      // Plain HTTP now and then.
      if ((round + i) % 4 == 0) {
        Bytes req, resp;
        putStr(req, "GET /index.html HTTP/1.1\r\nHost: www.netlens.example\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64)\r\nAccept: */*\r\n\r\n");
        putStr(resp, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n");
        resp.resize(1100, 'x');
        w.tcpSession(me, web, gw, uint16_t(base + 2), 80, req, resp, 3);
      }
      // File transfer to the NAS (inner traffic of the local network).
      if (round % 10 == i) {
        // SMB2 over NetBIOS session service: a 4-byte length, then "\xFESMB".
        auto smb2 = [](size_t size) {
          Bytes m = {0, 0, uint8_t((size - 4) >> 8), uint8_t(size - 4), 0xFE, 'S', 'M', 'B', 64, 0};
          m.resize(size, 0);
          return m;
        };
        w.tcpSession(me, nas, nas, uint16_t(base + 3), 445, smb2(200), smb2(1400), 20);
      }
    }
    // NTP, ICMP echo and ARP from the gateway.
    Bytes ntp_req(48, 0);
    ntp_req[0] = 0x23;
    w.send(gw, gw, ip(gw.ip, ntp.ip, 17, udp(123, 123, ntp_req)), 500000);
    Bytes ntp_resp(48, 0);
    ntp_resp[0] = 0x24;
    ntp_resp[1] = 2;
    w.send(gw, gw, ip(ntp.ip, gw.ip, 17, udp(123, 123, ntp_resp)), 30000);
    Bytes echo = {8, 0, 0, 0, 0, 1, 0, uint8_t(round)};
    echo.resize(64, 0x61);
    w.send(laptops[0], gw, ip(laptops[0].ip, gw.ip, 1, echo));
    echo[0] = 0;
    w.send(gw, laptops[0], ip(gw.ip, laptops[0].ip, 1, echo), 400);
    Bytes arp = {0, 1, 8, 0, 6, 4, 0, 1};
    for (uint8_t b : gw.mac) arp.push_back(b);  // (insert() trips a GCC 12 -O3 false warning)
    put32(arp, gw.ip);
    for (int k = 0; k < 6; ++k) arp.push_back(0);
    put32(arp, laptops[round % 3].ip);
    const Host bcast{0, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
    w.now += 1000;
    pcap.write(w.now, ethernet(gw, bcast, 0x0806, arp));
    w.now += 1'000'000;  // about two seconds per round
  }
  std::fclose(f);
  return 0;
}
