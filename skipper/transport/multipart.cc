#include "skipper/transport/multipart.h"

#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace itr::skipper::transport {

namespace {

std::string RandomBoundary() {
  std::random_device device;
  std::mt19937_64 generator((uint64_t{device()} << 32) ^ device());
  return absl::StrFormat("itr-%016x%016x", generator(), generator());
}

bool OccursInAnyPart(const std::string& boundary,
                     const std::vector<MultipartPart>& parts) {
  for (const MultipartPart& part : parts) {
    if (part.data.find(boundary) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

MultipartBody BuildMultipart(const std::vector<MultipartPart>& parts) {
  std::string boundary = RandomBoundary();
  // 128 random bits collide with binary data only in theory; check anyway.
  while (OccursInAnyPart(boundary, parts)) boundary = RandomBoundary();

  MultipartBody result;
  result.content_type = "multipart/form-data; boundary=" + boundary;
  for (const MultipartPart& part : parts) {
    absl::StrAppend(&result.body, "--", boundary, "\r\n",
                    "Content-Disposition: form-data; name=\"", part.name, "\"");
    if (!part.filename.empty()) {
      absl::StrAppend(&result.body, "; filename=\"", part.filename, "\"");
    }
    absl::StrAppend(&result.body, "\r\n");
    if (!part.content_type.empty()) {
      absl::StrAppend(&result.body, "Content-Type: ", part.content_type,
                      "\r\n");
    }
    absl::StrAppend(&result.body, "\r\n", part.data, "\r\n");
  }
  absl::StrAppend(&result.body, "--", boundary, "--\r\n");
  return result;
}

}  // namespace itr::skipper::transport
