#include "capture/pcap_source.hpp"

#include <pcap/pcap.h>
#include <poll.h>
#include <sys/stat.h>

#include <cstdio>
#include <stdexcept>

#include "capture/pcap_file_source.hpp"
#include "decode/packet_decoder.hpp"

namespace netlens {

namespace {

class PcapSource : public PacketSource {
 public:
  // live_wait_ms >= 0: a live handle in non-blocking mode; next() waits that long for packets.
  PcapSource(std::string name, pcap_t* handle, bool is_file, FILE* stream, int live_wait_ms = -1)
      : name_(std::move(name)), pcap_(handle), is_file_(is_file), stream_(stream), live_wait_ms_(live_wait_ms) {
    link_type_ = pcap_datalink(pcap_);
  }
  ~PcapSource() override { pcap_close(pcap_); }

  const std::string& name() const override { return name_; }
  bool isFile() const override { return is_file_; }

  ReadResult next(PacketRef& packet) override {
    if (stream_ && !readable()) return ReadResult::Timeout;
    pcap_pkthdr* hdr = nullptr;
    const u_char* data = nullptr;
    int rc = pcap_next_ex(pcap_, &hdr, &data);
    if (rc == 0 && live_wait_ms_ >= 0) {
      // libpcap's own read timeout does not bound a blocking read with TPACKET_V3 (it polls with
      // no timeout until the kernel hands over a block): wait here, so that an idle device never
      // keeps the packet thread (and shutdown) stuck.
      pollfd p{pcap_get_selectable_fd(pcap_), POLLIN, 0};
      if (poll(&p, 1, live_wait_ms_) > 0) rc = pcap_next_ex(pcap_, &hdr, &data);
    }
    if (rc == 1) {
      packet.ts = Micros(hdr->ts.tv_sec) * kMicrosPerSecond + Micros(hdr->ts.tv_usec);
      packet.data = data;
      packet.caplen = hdr->caplen;
      packet.wire_len = hdr->len;
      packet.link_type = link_type_;
      return ReadResult::Packet;
    }
    if (rc == 0) return ReadResult::Timeout;
    if (rc == PCAP_ERROR_BREAK) return ReadResult::End;
    error_ = pcap_geterr(pcap_);
    // A capture file cut short in the middle of a record ends the file, it is not fatal.
    return is_file_ ? ReadResult::End : ReadResult::Error;
  }

  CaptureDrops drops() override {
    if (is_file_) return {};
    pcap_stat st{};
    if (pcap_stats(pcap_, &st) != 0) return {};
    return CaptureDrops{st.ps_drop, st.ps_ifdrop};
  }

  std::string lastError() const override { return error_; }

  std::vector<Cidr> ownNetworks() const override {
    std::vector<Cidr> nets;
    if (is_file_) return nets;
    pcap_if_t* all = nullptr;
    char err[PCAP_ERRBUF_SIZE];
    if (pcap_findalldevs(&all, err) != 0) return nets;
    for (pcap_if_t* d = all; d; d = d->next) {
      if (name_ != d->name) continue;
      for (pcap_addr_t* a = d->addresses; a; a = a->next) {
        if (!a->addr || !a->netmask) continue;
        if (auto c = cidrOf(a->addr, a->netmask)) nets.push_back(*c);
      }
    }
    pcap_freealldevs(all);
    return nets;
  }

 private:
  // stdin: wait at most a moment for data so that shutdown is never stuck in a read.
  bool readable() {
    if (stream_->_IO_read_ptr < stream_->_IO_read_end) return true;  // glibc: bytes buffered
    pollfd p{fileno(stream_), POLLIN, 0};
    return poll(&p, 1, 100) > 0;
  }

  static std::optional<Cidr> cidrOf(const sockaddr* addr, const sockaddr* mask) {
    const uint8_t* a = nullptr;
    const uint8_t* m = nullptr;
    size_t len = 0;
    if (addr->sa_family == AF_INET && mask->sa_family == AF_INET) {
      a = reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(addr)->sin_addr);
      m = reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in*>(mask)->sin_addr);
      len = 4;
    } else if (addr->sa_family == AF_INET6 && mask->sa_family == AF_INET6) {
      a = reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr);
      m = reinterpret_cast<const uint8_t*>(&reinterpret_cast<const sockaddr_in6*>(mask)->sin6_addr);
      len = 16;
    } else {
      return std::nullopt;
    }
    unsigned prefix = 0;
    for (size_t i = 0; i < len; ++i) prefix += unsigned(__builtin_popcount(m[i]));
    IpAddress ip = len == 4 ? IpAddress::v4(a) : IpAddress::v6(a);
    return Cidr::parse(ip.toString() + "/" + std::to_string(prefix));
  }

  std::string name_;
  pcap_t* pcap_;
  bool is_file_;
  FILE* stream_;  // stdin only
  int live_wait_ms_;
  int link_type_ = 1;
  std::string error_;
};

void applyFilter(pcap_t* p, const std::string& spec, const std::string& filter) {
  if (filter.empty()) return;
  bpf_program prog{};
  if (pcap_compile(p, &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    std::string err = pcap_geterr(p);
    pcap_close(p);
    throw std::runtime_error(spec + ": invalid BPF filter '" + filter + "': " + err);
  }
  const int rc = pcap_setfilter(p, &prog);
  pcap_freecode(&prog);
  if (rc != 0) {
    std::string err = pcap_geterr(p);
    pcap_close(p);
    throw std::runtime_error(spec + ": cannot set BPF filter: " + err);
  }
}

void checkLinkType(pcap_t* p, const std::string& spec) {
  const int dlt = pcap_datalink(p);
  if (!isSupportedLinkType(dlt)) {
    const char* n = pcap_datalink_val_to_name(dlt);
    pcap_close(p);
    throw std::runtime_error(spec + ": unsupported link type " + std::to_string(dlt) + " (" + (n ? n : "?") + ")");
  }
}

}  // namespace

std::unique_ptr<PacketSource> openPcapSource(const std::string& spec, const CaptureOptions& options) {
  char err[PCAP_ERRBUF_SIZE] = {};
  struct stat st{};
  if (spec == "-" || (stat(spec.c_str(), &st) == 0 && !S_ISCHR(st.st_mode))) {
    // Classic pcap files take the fast reader; libpcap reads pcapng and stdin, and tells the
    // formats apart by their magic number, whatever the file's name.
    if (spec != "-" && S_ISREG(st.st_mode))
      if (auto fast = openPcapFileSource(spec, options)) return fast;
    FILE* stream = spec == "-" ? stdin : nullptr;
    pcap_t* p = stream ? pcap_fopen_offline_with_tstamp_precision(stream, PCAP_TSTAMP_PRECISION_MICRO, err)
                       : pcap_open_offline_with_tstamp_precision(spec.c_str(), PCAP_TSTAMP_PRECISION_MICRO, err);
    if (!p) throw std::runtime_error(spec + ": cannot read capture: " + err);
    checkLinkType(p, spec);
    applyFilter(p, spec, options.bpf_filter);
    return std::make_unique<PcapSource>(spec == "-" ? "stdin" : spec, p, true, stream);
  }

  pcap_t* p = pcap_create(spec.c_str(), err);
  if (!p) throw std::runtime_error(spec + ": " + err);
  pcap_set_snaplen(p, options.snaplen);
  pcap_set_promisc(p, options.promiscuous ? 1 : 0);
  pcap_set_timeout(p, options.read_timeout_ms);
  pcap_set_buffer_size(p, options.buffer_mb * 1024 * 1024);
  const int rc = pcap_activate(p);
  if (rc < 0) {
    std::string msg = rc == PCAP_ERROR_NO_SUCH_DEVICE ? "no such file or capture device"
                      : rc == PCAP_ERROR_PERM_DENIED  ? "permission denied (capturing needs root or CAP_NET_RAW)"
                                                      : pcap_geterr(p);
    pcap_close(p);
    throw std::runtime_error(spec + ": cannot capture: " + msg);
  }
  checkLinkType(p, spec);
  applyFilter(p, spec, options.bpf_filter);
  if (pcap_setnonblock(p, 1, err) != 0) {
    pcap_close(p);
    throw std::runtime_error(spec + ": cannot set non-blocking mode: " + err);
  }
  return std::make_unique<PcapSource>(spec, p, false, nullptr, options.read_timeout_ms);
}

}  // namespace netlens
