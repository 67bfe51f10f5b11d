#include "enrich/resolver.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <stdexcept>

#include "enrich/dns_message.hpp"

namespace netlens::enrich {

namespace {
int64_t nowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
}  // namespace

ReverseResolver::ReverseResolver(ResolverOptions options) : options_(std::move(options)) {
  if (!options_.server.empty()) {
    std::string host = options_.server;
    uint16_t port = 53;
    if (!host.empty() && host.front() == '[') {
      const auto close = host.find(']');
      if (close == std::string::npos) throw std::invalid_argument("--dns-server: '" + options_.server + "' lacks ']'");
      std::string rest = host.substr(close + 1);
      host = host.substr(1, close - 1);
      if (!rest.empty()) {
        if (rest[0] != ':') throw std::invalid_argument("--dns-server: '" + options_.server + "' is not ADDRESS[:PORT]");
        rest = rest.substr(1);
        auto [e, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), port);
        if (ec != std::errc() || e != rest.data() + rest.size() || port == 0)
          throw std::invalid_argument("--dns-server: bad port in '" + options_.server + "'");
      }
    } else if (std::count(host.begin(), host.end(), ':') == 1) {
      const auto colon = host.find(':');
      const std::string p = host.substr(colon + 1);
      host = host.substr(0, colon);
      auto [e, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
      if (ec != std::errc() || e != p.data() + p.size() || port == 0)
        throw std::invalid_argument("--dns-server: bad port in '" + options_.server + "'");
    }
    const auto ip = IpAddress::parse(host);
    if (!ip) throw std::invalid_argument("--dns-server: '" + host + "' is not an IP address");
    if (ip->isV4()) {
      sockaddr_in sa{};
      sa.sin_family = AF_INET;
      sa.sin_port = htons(port);
      std::memcpy(&sa.sin_addr, ip->data(), 4);
      server_addr_.assign(reinterpret_cast<uint8_t*>(&sa), reinterpret_cast<uint8_t*>(&sa) + sizeof sa);
      server_family_ = AF_INET;
    } else {
      sockaddr_in6 sa{};
      sa.sin6_family = AF_INET6;
      sa.sin6_port = htons(port);
      std::memcpy(&sa.sin6_addr, ip->data(), 16);
      server_addr_.assign(reinterpret_cast<uint8_t*>(&sa), reinterpret_cast<uint8_t*>(&sa) + sizeof sa);
      server_family_ = AF_INET6;
    }
  }
  for (unsigned i = 0; i < std::max(1u, options_.threads); ++i) threads_.emplace_back([this] { work(); });
}

ReverseResolver::~ReverseResolver() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

bool ReverseResolver::submit(const IpAddress& ip, uint16_t vlan, std::shared_ptr<ResolveResults> to) {
  std::unique_lock lock(mu_);
  if (auto it = cache_.find(ip); it != cache_.end() && it->second.expires_unix > nowUnix()) {
    ++stats_.cache_hits;
    std::string name = it->second.name;
    lock.unlock();
    to->push({ip, vlan, std::move(name)});
    return true;
  }
  if (queue_.size() >= options_.max_queue) {
    ++stats_.queue_full;
    return false;
  }
  queue_.push_back({ip, vlan, std::move(to)});
  lock.unlock();
  cv_.notify_one();
  return true;
}

std::optional<std::string> ReverseResolver::cached(const IpAddress& ip) const {
  std::lock_guard lock(mu_);
  auto it = cache_.find(ip);
  if (it == cache_.end() || it->second.expires_unix <= nowUnix()) return std::nullopt;
  return it->second.name;
}

void ReverseResolver::preload(const IpAddress& ip, const std::string& name, int64_t expires_unix) {
  if (expires_unix <= nowUnix()) return;
  std::lock_guard lock(mu_);
  remember(ip, name, expires_unix);
}

void ReverseResolver::remember(const IpAddress& ip, const std::string& name, int64_t expires_unix) {
  if (cache_.size() >= options_.max_cache && !cache_.count(ip)) {
    // Full: drop what has expired, else an arbitrary entry (the cache is only a shortcut).
    const int64_t now = nowUnix();
    std::erase_if(cache_, [now](const auto& kv) { return kv.second.expires_unix <= now; });
    if (cache_.size() >= options_.max_cache) cache_.erase(cache_.begin());
  }
  cache_[ip] = CacheEntry{name, expires_unix};
}

ResolverStats ReverseResolver::stats() const {
  std::lock_guard lock(mu_);
  ResolverStats s = stats_;
  s.cache_entries = cache_.size();
  s.queued = queue_.size();
  return s;
}

void ReverseResolver::work() {
  for (;;) {
    Request req;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      req = std::move(queue_.front());
      queue_.pop_front();
      // Another worker already asks for it, or it was answered meanwhile.
      if (auto it = cache_.find(req.ip); it != cache_.end() && it->second.expires_unix > nowUnix()) {
        ++stats_.cache_hits;
        std::string name = it->second.name;
        lock.unlock();
        req.to->push({req.ip, req.vlan, std::move(name)});
        continue;
      }
      if (!in_flight_.insert(req.ip).second) {
        queue_.push_back(std::move(req));  // answered by the other worker: read from the cache then
        lock.unlock();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        continue;
      }
      ++stats_.queries;
    }
    bool failed = false;
    const std::optional<std::string> name = lookup(req.ip, failed);
    const int64_t expires = nowUnix() + (name && !name->empty() ? options_.ttl : options_.negative_ttl).count();
    {
      std::lock_guard lock(mu_);
      in_flight_.erase(req.ip);
      if (failed) ++stats_.failed;
      else if (name && !name->empty()) ++stats_.answered;
      else ++stats_.no_name;
      if (!failed) remember(req.ip, name.value_or(""), expires);
    }
    if (!failed && on_answer) on_answer(req.ip, name.value_or(""), expires);
    req.to->push({req.ip, req.vlan, failed ? std::string() : name.value_or("")});
  }
}

std::optional<std::string> ReverseResolver::lookup(const IpAddress& ip, bool& failed) {
  return server_family_ ? queryServer(ip, failed) : querySystem(ip, failed);
}

std::optional<std::string> ReverseResolver::querySystem(const IpAddress& ip, bool& failed) {
  sockaddr_storage ss{};
  socklen_t len;
  if (ip.isV4()) {
    auto* sa = reinterpret_cast<sockaddr_in*>(&ss);
    sa->sin_family = AF_INET;
    std::memcpy(&sa->sin_addr, ip.data(), 4);
    len = sizeof(sockaddr_in);
  } else {
    auto* sa = reinterpret_cast<sockaddr_in6*>(&ss);
    sa->sin6_family = AF_INET6;
    std::memcpy(&sa->sin6_addr, ip.data(), 16);
    len = sizeof(sockaddr_in6);
  }
  char host[NI_MAXHOST];
  const int rc = getnameinfo(reinterpret_cast<sockaddr*>(&ss), len, host, sizeof host, nullptr, 0, NI_NAMEREQD);
  if (rc == 0) return std::string(host);
  if (rc == EAI_NONAME) return std::string();
  failed = true;
  return std::nullopt;
}

std::optional<std::string> ReverseResolver::queryServer(const IpAddress& ip, bool& failed) {
  // The query: header (RD), one question for the reverse name, type PTR, class IN.
  uint8_t q[512];
  const uint16_t id = next_id_.fetch_add(1);
  const uint8_t header[12] = {uint8_t(id >> 8), uint8_t(id), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  std::memcpy(q, header, 12);
  size_t n = 12;
  char rev[80];
  const std::string_view name(rev, reverseNameOf(ip, rev));
  size_t start = 0;
  while (start < name.size()) {
    size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    q[n++] = uint8_t(dot - start);
    std::memcpy(q + n, name.data() + start, dot - start);
    n += dot - start;
    start = dot + 1;
  }
  q[n++] = 0;
  const uint8_t tail[4] = {0, 12, 0, 1};
  std::memcpy(q + n, tail, 4);
  n += 4;

  const int fd = socket(server_family_, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    failed = true;
    return std::nullopt;
  }
  std::optional<std::string> result;
  failed = true;
  for (int attempt = 0; attempt < 2 && failed; ++attempt) {
    if (sendto(fd, q, n, 0, reinterpret_cast<const sockaddr*>(server_addr_.data()), socklen_t(server_addr_.size())) < 0)
      break;
    const auto deadline = std::chrono::steady_clock::now() + options_.timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      // In slices, so that a shutdown does not wait for a silent server.
      if (stop_.load()) break;
      pollfd p{fd, POLLIN, 0};
      const int ready = poll(&p, 1, int(std::min<int64_t>(left.count(), 100)));
      if (ready == 0) continue;
      if (ready < 0) break;
      uint8_t buf[1500];
      const ssize_t got = recv(fd, buf, sizeof buf, 0);
      if (got <= 0) break;
      DnsMessageReader r(buf, size_t(got));
      if (!r.begin() || r.id() != id || !r.isResponse()) continue;  // not our answer: keep waiting
      failed = false;
      if (r.rcode() == 3) {  // NXDOMAIN
        result = std::string();
        break;
      }
      if (r.rcode() != 0) {
        failed = true;  // SERVFAIL, REFUSED, ...: ask again later
        break;
      }
      result = std::string();
      DnsAddressRecord rec;
      while (r.next(rec))
        if (rec.type == DnsRecordType::Ptr && rec.address == ip) {
          result = std::string(rec.name.view());
          break;
        }
      break;
    }
  }
  close(fd);
  return result;
}

}  // namespace netlens::enrich
