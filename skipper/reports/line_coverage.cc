#include "skipper/reports/line_coverage.h"

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "skipper/reports/skipped_in_reports.h"

namespace itr::skipper {

namespace {

std::vector<std::string> FileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// FNV-1a 64 of the text at `lines` (1-based) of the file, stable across
// builds; a line past the end hashes differently from any text.
uint64_t TextHash(const std::vector<std::string>& text,
                  const std::set<uint32_t>& lines) {
  uint64_t hash = 1469598103934665603ull;
  auto mix = [&](absl::string_view bytes) {
    for (char c : bytes) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 1099511628211ull;
    }
  };
  for (uint32_t line : lines) {
    mix(line >= 1 && line <= text.size() ? absl::string_view(text[line - 1])
                                         : absl::string_view("\x01<eof>", 6));
    mix("\n");
  }
  return hash;
}

}  // namespace

void LineCoverage::AddExecuted(const FileLines& lines) {
  for (const auto& [path, numbers] : lines) {
    for (uint32_t line : numbers) files[path][line] = true;
  }
}

void LineCoverage::AddCode(const std::string& path,
                           const std::set<uint32_t>& lines) {
  std::map<uint32_t, bool>& file = files[path];
  for (uint32_t line : lines) file.emplace(line, false);
}

size_t LineCoverage::LinesWithCode() const {
  size_t count = 0;
  for (const auto& [path, lines] : files) count += lines.size();
  return count;
}

size_t LineCoverage::LinesExecuted() const {
  size_t count = 0;
  for (const auto& [path, lines] : files) {
    for (const auto& [line, executed] : lines) count += executed;
  }
  return count;
}

std::string LcovTracefile(const LineCoverage& coverage,
                          const std::string& test_name) {
  std::string out;
  for (const auto& [path, lines] : coverage.files) {
    absl::StrAppend(&out, "TN:", test_name, "\nSF:", path, "\n");
    size_t hit = 0;
    for (const auto& [line, executed] : lines) {
      absl::StrAppend(&out, "DA:", line, ",", executed ? 1 : 0, "\n");
      hit += executed;
    }
    absl::StrAppend(&out, "LF:", lines.size(), "\nLH:", hit,
                    "\nend_of_record\n");
  }
  return out;
}

std::string CoberturaXml(const LineCoverage& coverage,
                         const std::string& source_root, int64_t timestamp) {
  auto rate = [](size_t hit, size_t all) {
    return absl::StrFormat("%.4f", all == 0 ? 1.0 : double(hit) / all);
  };
  size_t all = coverage.LinesWithCode(), hit = coverage.LinesExecuted();
  std::string out = absl::StrCat(
      "<?xml version=\"1.0\" ?>\n<coverage line-rate=\"", rate(hit, all),
      "\" branch-rate=\"0\" lines-covered=\"", hit, "\" lines-valid=\"", all,
      "\" branches-covered=\"0\" branches-valid=\"0\" complexity=\"0\" "
      "version=\"itr-cpp\" timestamp=\"",
      timestamp, "\">\n<sources><source>", XmlAttributeEscape(source_root),
      "</source></sources>\n<packages><package name=\"repository\" "
      "line-rate=\"",
      rate(hit, all), "\" branch-rate=\"0\" complexity=\"0\">\n<classes>\n");
  for (const auto& [path, lines] : coverage.files) {
    size_t file_hit = 0;
    std::string rows;
    for (const auto& [line, executed] : lines) {
      file_hit += executed;
      absl::StrAppend(&rows, "<line number=\"", line, "\" hits=\"",
                      executed ? 1 : 0, "\"/>\n");
    }
    absl::StrAppend(&out, "<class name=\"", XmlAttributeEscape(path),
                    "\" filename=\"", XmlAttributeEscape(path),
                    "\" line-rate=\"", rate(file_hit, lines.size()),
                    "\" branch-rate=\"0\" complexity=\"0\">\n<methods/>\n"
                    "<lines>\n",
                    rows, "</lines>\n</class>\n");
  }
  return out + "</classes>\n</package>\n</packages>\n</coverage>\n";
}

// One line per file: "<hash hex>\t<line>,<line>,...\t<path>".
std::string EncodeTestLines(const FileLines& lines, const std::string& root) {
  std::string out;
  for (const auto& [path, numbers] : lines) {
    uint64_t hash = TextHash(FileText(root + "/" + path), numbers);
    absl::StrAppend(&out, absl::Hex(hash), "\t");
    bool first = true;
    for (uint32_t line : numbers) {
      absl::StrAppend(&out, first ? "" : ",", line);
      first = false;
    }
    absl::StrAppend(&out, "\t", path, "\n");
  }
  return out;
}

absl::StatusOr<FileLines> DecodeValidTestLines(
    absl::string_view blob, const std::string& root,
    std::vector<std::string>* moved) {
  FileLines valid;
  for (absl::string_view row : absl::StrSplit(blob, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> fields = absl::StrSplit(row, '\t');
    uint64_t hash = 0;
    if (fields.size() != 3 || !absl::SimpleHexAtoi(fields[0], &hash)) {
      return absl::DataLossError("malformed test lines");
    }
    std::set<uint32_t> numbers;
    for (absl::string_view number : absl::StrSplit(fields[1], ',')) {
      uint32_t line = 0;
      if (!absl::SimpleAtoi(number, &line)) {
        return absl::DataLossError("malformed test lines");
      }
      numbers.insert(line);
    }
    std::string path(fields[2]);
    if (TextHash(FileText(root + "/" + path), numbers) != hash) {
      moved->push_back(path);
      continue;
    }
    valid[path] = std::move(numbers);
  }
  return valid;
}

}  // namespace itr::skipper
