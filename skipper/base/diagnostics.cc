#include "skipper/base/diagnostics.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace itr::skipper {

std::string OneLine(absl::string_view text) {
  std::string line(text);
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return std::string(absl::StripAsciiWhitespace(line));
}

Diagnostics::Diagnostics()
    : writer_([](const std::string& line) {
        fprintf(stderr, "%s\n", line.c_str());
        fflush(stderr);
      }) {}

Diagnostics::Diagnostics(Writer writer) : writer_(std::move(writer)) {}

void Diagnostics::set_verbosity(int level) {
  std::lock_guard<std::mutex> lock(mutex_);
  verbosity_ = level;
}

int Diagnostics::verbosity() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return verbosity_;
}

void Diagnostics::Warning(absl::string_view text) {
  std::string line = OneLine(text);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!warned_.insert(line).second) return;
  }
  Write("itr: warning: ", line);
}

void Diagnostics::Info(absl::string_view text) {
  Write("itr: ", OneLine(text));
}

void Diagnostics::Detail(int level, absl::string_view text) {
  if (verbosity() >= level) Info(text);
}

size_t Diagnostics::warning_count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return warned_.size();
}

void Diagnostics::Write(absl::string_view prefix, absl::string_view text) {
  std::string line = absl::StrCat(prefix, text);
  std::lock_guard<std::mutex> lock(mutex_);
  writer_(line);
}

Diagnostics& ProcessDiagnostics() {
  static auto* diagnostics = new Diagnostics();
  return *diagnostics;
}

}  // namespace itr::skipper
