// multipart/form-data bodies (RFC 7578) for the coverage intake (citestcov)
// and the git packfile upload. Parts are written in the given order, each
// with Content-Disposition (name, and filename when not empty) and
// Content-Type when not empty; the boundary is random and checked not to
// occur in any part's data.
#ifndef ITR_SKIPPER_TRANSPORT_MULTIPART_H_
#define ITR_SKIPPER_TRANSPORT_MULTIPART_H_

#include <string>
#include <vector>

namespace itr::skipper::transport {

struct MultipartPart {
  std::string name;
  std::string filename;  // empty: no filename parameter
  std::string content_type;
  std::string data;
};

struct MultipartBody {
  std::string content_type;  // multipart/form-data; boundary=...
  std::string body;
};

MultipartBody BuildMultipart(const std::vector<MultipartPart>& parts);

}  // namespace itr::skipper::transport

#endif  // ITR_SKIPPER_TRANSPORT_MULTIPART_H_
