#pragma once
// The one nProbe-style JSON form of an exported flow: an object keyed by element numbers (see
// collect/flow_elements.hpp), the form netlens's ZMQ collector (and ntopng's) reads back.
#include "collect/flow_record.hpp"
#include "core/json_writer.hpp"
#include "engine/ndpi_classifier.hpp"

namespace netlens {

void writeFlowIeJson(JsonWriter& w, const FlowRecord& r, const NameTable& names);

}  // namespace netlens
