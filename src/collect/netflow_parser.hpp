#pragma once
// NetflowParser: decodes NetFlow v5, NetFlow v9 (RFC 3954) and IPFIX (RFC 7011/7012) export
// datagrams into FlowRecords. No sockets: the caller hands over each datagram's bytes with its
// exporter's address and the current time. Templates are kept per (exporter, observation
// domain / source id, template id), expire after a configurable time without refresh, and are
// bounded in number. Bad input is counted in the ParseResult, never thrown.
#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "collect/flow_record.hpp"
#include "core/ip_address.hpp"
#include "core/timestamp.hpp"

namespace netlens {

struct NetflowParserConfig {
  // A template not refreshed for this long is forgotten (RFC 7011 §8.4 leaves it to us for UDP).
  Micros template_timeout = 30ull * 60 * kMicrosPerSecond;
  // Templates (and per-exporter sampling rates) kept at most; further new ones are dropped.
  size_t max_templates = 4096;
  // A template with more fields is refused as malformed (bounds the memory one template takes).
  size_t max_fields_per_template = 512;
};

struct ParseResult {
  uint16_t version = 0;          // the datagram's export version (5, 9, 10), 0 when unreadable
  uint32_t records = 0;          // flow records decoded (appended to out)
  uint32_t option_records = 0;   // options data records read (sampling rates), not flows
  // Data sets skipped because their template is unknown (not yet received, or expired): one per
  // set, since the number of records in it cannot be known without the template.
  uint32_t skipped_unknown_template = 0;
  uint32_t malformed = 0;        // malformed headers, sets and templates
  uint32_t templates_learned = 0;    // new or changed templates
  uint32_t templates_refreshed = 0;  // templates received again unchanged
  uint32_t templates_expired = 0;
  uint32_t templates_dropped = 0;    // refused because the template table was full
  uint32_t templates_withdrawn = 0;  // IPFIX template withdrawals
  const char* error = nullptr;       // the first malformation's short reason
  // The header's observation domain (IPFIX), source id (v9) or engine type/id (v5), and its
  // sequence number: v5 counts flows, v9 datagrams, IPFIX data records (has_sequence false when
  // the header could not be read).
  uint32_t domain = 0;
  uint32_t sequence = 0;
  bool has_sequence = false;

  bool ok() const { return malformed == 0; }
};

class NetflowParser {
 public:
  explicit NetflowParser(NetflowParserConfig config = {}) : config_(config) {}

  // Decodes one datagram from `exporter`, appending its flow records to `out`. `now` is the
  // collector's clock (wall time), used only for template expiry.
  ParseResult parse(const uint8_t* data, size_t len, const IpAddress& exporter, Micros now,
                    std::vector<FlowRecord>& out);

  // Forgets templates not refreshed within the timeout; returns how many. parse() calls it too.
  uint32_t expireTemplates(Micros now);

  size_t templateCount() const { return templates_.size(); }
  size_t templateCount(const IpAddress& exporter) const;
  // The sampling rate an exporter's options data announced for a domain (1 when none).
  uint32_t samplingRate(const IpAddress& exporter, uint32_t domain) const;

  // Wire details, public for the tests and the fuzz target.
  struct TemplateField {
    uint16_t type = 0;
    uint16_t length = 0;  // 65535: variable length (IPFIX)
    uint32_t enterprise = 0;
  };
  struct Template {
    std::vector<TemplateField> fields;
    uint16_t scope_fields = 0;  // > 0 for options templates (the first fields are the scope)
    bool options = false;
    uint32_t min_record_length = 0;  // bytes, variable-length fields counted as 1
    Micros refreshed = 0;
  };
  struct TemplateKey {
    IpAddress exporter;
    uint32_t domain = 0;
    uint16_t id = 0;
    friend auto operator<=>(const TemplateKey&, const TemplateKey&) = default;
  };
  struct DomainKey {
    IpAddress exporter;
    uint32_t domain = 0;
    friend auto operator<=>(const DomainKey&, const DomainKey&) = default;
  };

 private:
  friend class ExportDecoder;

  NetflowParserConfig config_;
  std::map<TemplateKey, Template> templates_;
  std::map<DomainKey, uint32_t> sampling_;
  Micros next_sweep_ = 0;
};

}  // namespace netlens
