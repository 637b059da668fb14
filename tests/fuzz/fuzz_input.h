// Helpers of the fuzz targets: the input as text, split into parts, or as
// a scratch file (for readers that take a path).
#ifndef ITR_TESTS_FUZZ_FUZZ_INPUT_H_
#define ITR_TESTS_FUZZ_FUZZ_INPUT_H_

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace itr::fuzz {

inline std::string_view Text(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// The input cut at each '\n' (a line may be empty).
inline std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

// A file of this process's own, rewritten with each input.
inline std::string ScratchFile(std::string_view content,
                               const char* suffix = "") {
  static const std::string base =
      "/tmp/itr-fuzz-" + std::to_string(getpid()) + "-";
  const std::string path = base + suffix;
  if (FILE* f = fopen(path.c_str(), "wb")) {
    fwrite(content.data(), 1, content.size(), f);
    fclose(f);
  }
  return path;
}

}  // namespace itr::fuzz

#endif  // ITR_TESTS_FUZZ_FUZZ_INPUT_H_
