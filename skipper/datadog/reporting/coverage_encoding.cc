#include "skipper/datadog/reporting/coverage_encoding.h"

#include <algorithm>
#include <msgpack.hpp>

#include "skipper/datadog/reporting/msgpack_packing.h"

namespace itr::datadog::reporting {

std::string LineBitmap(const std::vector<int>& lines) {
  // A #line directive can name any number; past this the file is sent
  // without lines (a file-level entry) instead of a huge bitmap.
  constexpr int kMaxBitmapLine = 1 << 22;
  int max_line = 0;
  for (int line : lines) max_line = std::max(max_line, line);
  if (max_line > kMaxBitmapLine) return "";
  std::string bitmap((static_cast<size_t>(max_line) + 7) / 8, '\0');
  for (int line : lines) {
    if (line < 1) continue;
    const size_t index = static_cast<size_t>(line - 1);
    bitmap[index >> 3] =
        static_cast<char>(static_cast<unsigned char>(bitmap[index >> 3]) |
                          (0x80u >> (index & 7)));
  }
  return bitmap;
}

std::vector<int> BitmapLines(std::string_view bitmap) {
  std::vector<int> lines;
  for (size_t byte = 0; byte < bitmap.size(); ++byte) {
    for (unsigned bit = 0; bit < 8; ++bit) {
      if (static_cast<unsigned char>(bitmap[byte]) & (0x80u >> bit)) {
        lines.push_back(static_cast<int>(byte * 8 + bit + 1));
      }
    }
  }
  return lines;
}

std::string EncodeCoverage(const TestCoverage& coverage) {
  msgpack::sbuffer buffer;
  Packer packer(buffer);
  packer.pack_map(coverage.span_id != 0 ? 4 : 3);
  PackString(packer, "test_session_id");
  packer.pack_uint64(coverage.test_session_id);
  PackString(packer, "test_suite_id");
  packer.pack_uint64(coverage.test_suite_id);
  if (coverage.span_id != 0) {
    PackString(packer, "span_id");
    packer.pack_uint64(coverage.span_id);
  }
  PackString(packer, "files");
  packer.pack_array(static_cast<uint32_t>(coverage.files.size()));
  for (const FileLines& file : coverage.files) {
    std::string_view name = file.filename;
    while (!name.empty() && name.front() == '/') name.remove_prefix(1);
    const std::string bitmap = LineBitmap(file.lines);
    packer.pack_map(bitmap.empty() ? 1 : 2);
    PackString(packer, "filename");
    PackString(packer, name);
    if (!bitmap.empty()) {
      PackString(packer, "bitmap");
      packer.pack_bin(static_cast<uint32_t>(bitmap.size()));
      packer.pack_bin_body(bitmap.data(), static_cast<uint32_t>(bitmap.size()));
    }
  }
  return std::string(buffer.data(), buffer.size());
}

std::string AssembleCoveragePayload(const std::vector<std::string>& entries) {
  msgpack::sbuffer buffer;
  Packer packer(buffer);
  packer.pack_map(2);
  PackString(packer, "version");
  packer.pack_int32(2);
  PackString(packer, "coverages");
  packer.pack_array(static_cast<uint32_t>(entries.size()));
  for (const std::string& entry : entries) {
    buffer.write(entry.data(), entry.size());
  }
  return std::string(buffer.data(), buffer.size());
}

}  // namespace itr::datadog::reporting
