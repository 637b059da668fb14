#include "skipper/base/diagnostics.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace itr::skipper {

std::string OneLine(absl::string_view text) {
  std::string line(text);
  for (char& c : line) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return std::string(absl::StripAsciiWhitespace(line));
}

std::string NameInLine(absl::string_view name) {
  bool plain = !name.empty() && name.find(": ") == absl::string_view::npos &&
               name.front() != '"' && name.front() != ' ' && name.back() != ' ';
  for (char c : name) {
    plain = plain && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
  }
  if (plain) return std::string(name);
  std::string quoted = "\"";
  for (char c : name) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted.push_back('\\');
      quoted.push_back(c);
    } else if (c == '\n') {
      quoted += "\\n";
    } else if (c == '\t') {
      quoted += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      absl::StrAppend(&quoted, absl::StrFormat("\\x%02x", byte));
    } else {
      quoted.push_back(c);
    }
  }
  quoted.push_back('"');
  return quoted;
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
