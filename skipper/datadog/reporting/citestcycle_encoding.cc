#include "skipper/datadog/reporting/citestcycle_encoding.h"

#include <msgpack.hpp>

#include "skipper/datadog/reporting/msgpack_packing.h"

namespace itr::datadog::reporting {
namespace {

void PackMeta(Packer& packer, const std::map<std::string, std::string>& meta) {
  packer.pack_map(static_cast<uint32_t>(meta.size()));
  for (const auto& [key, value] : meta) {
    PackString(packer, key);
    PackString(packer, TruncateMetaValue(value));
  }
}

}  // namespace

std::string TruncateMetaValue(std::string_view value) {
  if (value.size() <= kMaxMetaValueLength) return std::string(value);
  size_t cut = kMaxMetaValueLength;
  // Back off continuation bytes so the result stays valid UTF-8.
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return std::string(value.substr(0, cut));
}

std::string EncodeEvent(const Event& event) {
  msgpack::sbuffer buffer;
  Packer packer(buffer);
  packer.pack_map(3);
  PackString(packer, "type");
  PackString(packer, event.type);
  PackString(packer, "version");
  packer.pack_int32(event.version);
  PackString(packer, "content");

  const std::pair<const char*, uint64_t> ids[] = {
      {"trace_id", event.trace_id},
      {"span_id", event.span_id},
      {"parent_id", event.parent_id},
      {"test_session_id", event.test_session_id},
      {"test_module_id", event.test_module_id},
      {"test_suite_id", event.test_suite_id}};
  // name, service, resource, type, start, duration, error, meta, metrics.
  uint32_t fields = 9;
  for (const auto& [key, id] : ids) fields += id != 0;
  fields += !event.itr_correlation_id.empty();
  packer.pack_map(fields);
  for (const auto& [key, id] : ids) {
    if (id == 0) continue;
    PackString(packer, key);
    packer.pack_uint64(id);
  }
  if (!event.itr_correlation_id.empty()) {
    PackString(packer, "itr_correlation_id");
    PackString(packer, event.itr_correlation_id);
  }
  PackString(packer, "name");
  PackString(packer, event.name);
  PackString(packer, "service");
  PackString(packer, event.service);
  PackString(packer, "resource");
  PackString(packer, event.resource);
  PackString(packer, "type");
  PackString(packer, event.type);
  PackString(packer, "start");
  packer.pack_int64(event.start_ns);
  PackString(packer, "duration");
  packer.pack_int64(event.duration_ns < 0 ? 0 : event.duration_ns);
  PackString(packer, "error");
  packer.pack_int32(event.error ? 1 : 0);
  PackString(packer, "meta");
  PackMeta(packer, event.meta);
  PackString(packer, "metrics");
  packer.pack_map(static_cast<uint32_t>(event.metrics.size()));
  for (const auto& [key, value] : event.metrics) {
    PackString(packer, key);
    packer.pack_double(value);
  }
  return std::string(buffer.data(), buffer.size());
}

std::string EncodeMetadata(const EventMetadata& metadata) {
  msgpack::sbuffer buffer;
  Packer packer(buffer);
  packer.pack_map(static_cast<uint32_t>(metadata.size()));
  for (const auto& [type, tags] : metadata) {
    PackString(packer, type);
    PackMeta(packer, tags);
  }
  return std::string(buffer.data(), buffer.size());
}

std::string AssembleEnvelope(std::string_view encoded_metadata,
                             const std::vector<std::string>& encoded_events) {
  msgpack::sbuffer buffer;
  Packer packer(buffer);
  packer.pack_map(3);
  PackString(packer, "version");
  packer.pack_int32(1);
  PackString(packer, "metadata");
  buffer.write(encoded_metadata.data(), encoded_metadata.size());
  PackString(packer, "events");
  packer.pack_array(static_cast<uint32_t>(encoded_events.size()));
  for (const std::string& event : encoded_events) {
    buffer.write(event.data(), event.size());
  }
  return std::string(buffer.data(), buffer.size());
}

}  // namespace itr::datadog::reporting
