#include "skipper/transport/compression.h"

#include <zlib.h>

#include <climits>

#include "absl/status/status.h"

namespace itr::skipper::transport {

namespace {

// zlib's window bits: 15 (32 KiB) plus 16 for a gzip wrapper, or plus 32 to
// detect gzip or zlib on input.
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kDetectWindowBits = 15 + 32;
constexpr size_t kChunk = 64 * 1024;

}  // namespace

absl::StatusOr<std::string> Gzip(std::string_view data) {
  if (data.size() > UINT_MAX) {
    return absl::InvalidArgumentError("gzip: input larger than 4 GiB");
  }
  z_stream stream{};
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kGzipWindowBits,
                   8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return absl::InternalError("gzip: deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&stream, data.size()));
  stream.next_in =
      reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));  // zlib API
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) return absl::InternalError("gzip: deflate failed");
  return out;
}

absl::StatusOr<std::string> Gunzip(std::string_view data) {
  z_stream stream{};
  if (inflateInit2(&stream, kDetectWindowBits) != Z_OK) {
    return absl::InternalError("gunzip: inflateInit2 failed");
  }
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  int rc = Z_OK;
  while (rc == Z_OK) {
    size_t used = out.size();
    out.resize(used + kChunk);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    stream.avail_out = static_cast<uInt>(kChunk);
    rc = inflate(&stream, Z_NO_FLUSH);
    out.resize(used + kChunk - stream.avail_out);
    // Z_BUF_ERROR with input left means no progress possible: corrupt.
    if (rc == Z_BUF_ERROR && stream.avail_in == 0) break;
  }
  inflateEnd(&stream);
  if (rc != Z_STREAM_END) {
    return absl::DataLossError("gunzip: corrupt or truncated data");
  }
  return out;
}

}  // namespace itr::skipper::transport
