// MessagePack helpers shared by the citestcycle and citestcov encodings.
// Internal to skipper/datadog/reporting.
#ifndef ITR_SKIPPER_DATADOG_REPORTING_MSGPACK_PACKING_H_
#define ITR_SKIPPER_DATADOG_REPORTING_MSGPACK_PACKING_H_

#include <cstdint>
#include <msgpack.hpp>
#include <string_view>

namespace itr::datadog::reporting {

using Packer = msgpack::packer<msgpack::sbuffer>;

// A str (never bin): the intakes expect text for keys and meta values.
inline void PackString(Packer& packer, std::string_view value) {
  packer.pack_str(static_cast<uint32_t>(value.size()));
  packer.pack_str_body(value.data(), static_cast<uint32_t>(value.size()));
}

}  // namespace itr::datadog::reporting

#endif  // ITR_SKIPPER_DATADOG_REPORTING_MSGPACK_PACKING_H_
