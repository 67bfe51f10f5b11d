#include "capture/pcap_file_source.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <pcap/pcap.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "decode/packet_decoder.hpp"

namespace netlens {

namespace {

constexpr uint32_t kMagicMicros = 0xa1b2c3d4, kMagicNanos = 0xa1b23c4d;
constexpr uint32_t kMaxRecord = 262144;        // libpcap's largest accepted snapshot length
constexpr size_t kBufferSize = 4u << 20;       // comfortably more than any record

uint32_t swap32(uint32_t v) { return __builtin_bswap32(v); }

class PcapFileSource : public PacketSource {
 public:
  PcapFileSource(std::string name, int fd, bool swapped, bool nanos, int link_type, bpf_program filter,
                 bool has_filter)
      : name_(std::move(name)), fd_(fd), swapped_(swapped), nanos_(nanos), link_type_(link_type),
        filter_(filter), has_filter_(has_filter) {
    // Map the file: records are read in place, without copying the file through read().
    struct stat st{};
    if (fstat(fd_, &st) == 0 && st.st_size > 24) {
      void* m = mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd_, 0);
      if (m != MAP_FAILED) {
        map_ = static_cast<const uint8_t*>(m);
        map_len_ = size_t(st.st_size);
        madvise(m, map_len_, MADV_SEQUENTIAL);
        data_ = map_;
        len_ = map_len_;
        pos_ = 24;
        eof_ = true;
        return;
      }
    }
    buf_.resize(kBufferSize);
    data_ = buf_.data();
  }
  ~PcapFileSource() override {
    if (map_) munmap(const_cast<uint8_t*>(map_), map_len_);
    close(fd_);
    if (has_filter_) pcap_freecode(&filter_);
  }

  const std::string& name() const override { return name_; }
  bool isFile() const override { return true; }
  CaptureDrops drops() override { return {}; }
  std::string lastError() const override { return error_; }

  ReadResult next(PacketRef& packet) override {
    for (;;) {
      if (!ensure(16)) return end(16, "record header");
      uint32_t h[4];
      std::memcpy(h, data_ + pos_, 16);
      if (swapped_)
        for (uint32_t& v : h) v = swap32(v);
      const uint32_t caplen = h[2];
      if (caplen > kMaxRecord) {
        error_ = "invalid record: captured length " + std::to_string(caplen) + " is larger than " +
                 std::to_string(kMaxRecord);
        return ReadResult::End;
      }
      if (!ensure(16 + caplen)) return end(16 + caplen, "record");
      const uint8_t* data = data_ + pos_ + 16;
      pos_ += 16 + caplen;
      if (map_ && pos_ >= released_ + kReleaseStep) release();
      if (has_filter_) {
        pcap_pkthdr ph{};
        ph.caplen = caplen;
        ph.len = h[3];
        if (pcap_offline_filter(&filter_, &ph, data) == 0) continue;
      }
      packet.ts = Micros(h[0]) * kMicrosPerSecond + (nanos_ ? h[1] / 1000 : h[1]);
      packet.data = data;
      packet.caplen = caplen;
      packet.wire_len = h[3];
      packet.link_type = link_type_;
      return ReadResult::Packet;
    }
  }

 private:
  // The pages already read leave this process's memory (they stay in the page cache), so a
  // multi-gigabyte capture never shows up as resident memory.
  void release() {
    const size_t upto = (pos_ - 16 * 1024) & ~size_t(4095);  // keep the current record mapped
    if (upto > released_) {
      madvise(const_cast<uint8_t*>(map_) + released_, upto - released_, MADV_DONTNEED);
      released_ = upto;
    }
  }

  // Makes n bytes available at pos_, reading more of the file as needed.
  bool ensure(size_t n) {
    if (len_ - pos_ >= n) return true;
    if (map_) return false;
    std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
    len_ -= pos_;
    pos_ = 0;
    while (len_ < n && !eof_) {
      const ssize_t r = read(fd_, buf_.data() + len_, buf_.size() - len_);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        if (r < 0) error_ = std::string("read error: ") + std::strerror(errno);
        eof_ = true;
        break;
      }
      len_ += size_t(r);
    }
    return len_ - pos_ >= n;
  }

  ReadResult end(size_t wanted, const char* what) {
    if (len_ > pos_ && error_.empty())
      error_ = std::string("truncated dump file; ") + what + " cut short (" + std::to_string(len_ - pos_) + " of " +
               std::to_string(wanted) + " bytes)";
    return ReadResult::End;
  }

  std::string name_;
  int fd_;
  bool swapped_, nanos_;
  int link_type_;
  bpf_program filter_;
  bool has_filter_;
  static constexpr size_t kReleaseStep = 4u << 20;
  std::vector<uint8_t> buf_;
  const uint8_t* map_ = nullptr;
  size_t map_len_ = 0;
  size_t released_ = 0;
  const uint8_t* data_ = nullptr;
  size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
  std::string error_;
};

}  // namespace

std::unique_ptr<PacketSource> openPcapFileSource(const std::string& path, const CaptureOptions& options) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  uint32_t hdr[6];
  if (read(fd, hdr, sizeof(hdr)) != ssize_t(sizeof(hdr))) {
    close(fd);
    return nullptr;
  }
  const bool swapped = hdr[0] == swap32(kMagicMicros) || hdr[0] == swap32(kMagicNanos);
  const uint32_t magic = swapped ? swap32(hdr[0]) : hdr[0];
  if (magic != kMagicMicros && magic != kMagicNanos) {
    close(fd);
    return nullptr;
  }
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  // The low 26 bits are the link type (the rest can describe an FCS); LINKTYPE_RAW (101) is
  // DLT_RAW for libpcap and for our decoder.
  uint32_t linktype = (swapped ? swap32(hdr[5]) : hdr[5]) & 0x03FFFFFF;
  if (linktype == 101) linktype = uint32_t(LinkType::Raw);
  if (!isSupportedLinkType(int(linktype))) {
    close(fd);
    throw std::runtime_error(path + ": unsupported link type " + std::to_string(linktype));
  }
  bpf_program prog{};
  const bool has_filter = !options.bpf_filter.empty();
  if (has_filter) {
    pcap_t* dead = pcap_open_dead(int(linktype), int(kMaxRecord));
    const int rc = pcap_compile(dead, &prog, options.bpf_filter.c_str(), 1, PCAP_NETMASK_UNKNOWN);
    const std::string err = rc != 0 ? pcap_geterr(dead) : "";
    pcap_close(dead);
    if (rc != 0) {
      close(fd);
      throw std::runtime_error(path + ": invalid BPF filter '" + options.bpf_filter + "': " + err);
    }
  }
  return std::make_unique<PcapFileSource>(path, fd, swapped, magic == kMagicNanos, int(linktype), prog, has_filter);
}

}  // namespace netlens
