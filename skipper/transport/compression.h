// gzip for request bodies and for tests (zlib). Responses are decompressed by
// libcurl itself; Gunzip also accepts zlib-wrapped deflate.
#ifndef ITR_SKIPPER_TRANSPORT_COMPRESSION_H_
#define ITR_SKIPPER_TRANSPORT_COMPRESSION_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace itr::skipper::transport {

// A complete gzip member (RFC 1952) holding `data`.
absl::StatusOr<std::string> Gzip(std::string_view data);

// The data of a gzip member or zlib stream; kDataLoss when it is corrupt or
// truncated.
absl::StatusOr<std::string> Gunzip(std::string_view data);

}  // namespace itr::skipper::transport

#endif  // ITR_SKIPPER_TRANSPORT_COMPRESSION_H_
