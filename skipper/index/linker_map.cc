#include "skipper/index/linker_map.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace itr::skipper::index_internal {
namespace {

constexpr absl::string_view kMapStart = "Linker script and memory map";
constexpr absl::string_view kMemoryConfiguration = "Memory Configuration";

bool AllDigits(absl::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), absl::ascii_isdigit);
}

unsigned ToUnsigned(absl::string_view digits) {
  unsigned value = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return value;
}

// The merge kind of an input section, from its name (GNU as / LLVM naming).
void ClassifyByName(absl::string_view name, InputSection* section) {
  size_t dot = name.rfind('.');
  if (dot == absl::string_view::npos) return;
  size_t str = dot < 4 ? absl::string_view::npos : name.rfind(".str", dot - 1);
  if (str != absl::string_view::npos &&
      AllDigits(name.substr(str + 4, dot - str - 4)) &&
      AllDigits(name.substr(dot + 1))) {
    section->kind = InputSection::kStrings;
    section->unit = ToUnsigned(name.substr(str + 4, dot - str - 4));
  } else if (name.substr(dot, 4) == ".cst" && AllDigits(name.substr(dot + 4))) {
    section->kind = InputSection::kFixed;
    section->unit = ToUnsigned(name.substr(dot + 4));
  }
}

// Reads "0x<hex>" at the start of `*text` (after blanks) and consumes it.
bool ConsumeHex(absl::string_view* text, uint64_t* value) {
  *text = absl::StripLeadingAsciiWhitespace(*text);
  if (!absl::StartsWith(*text, "0x")) return false;
  const char* begin = text->data() + 2;
  const char* end = text->data() + text->size();
  auto [next, error] = std::from_chars(begin, end, *value, 16);
  if (error != std::errc() || next == begin) return false;
  text->remove_prefix(next - text->data());
  return true;
}

class MapParser {
 public:
  explicit MapParser(const std::set<std::string, std::less<>>& allocated)
      : allocated_(allocated) {}

  absl::Status Parse(absl::string_view text);
  LinkerMap Finish() &&;

 private:
  void Line(absl::string_view line);
  void Add(absl::string_view name, absl::string_view rest);

  const std::set<std::string, std::less<>>& allocated_;
  bool in_allocated_ = false;
  std::string pending_;  // an input section name whose numbers follow
  absl::flat_hash_map<std::string, int32_t> file_ids_;
  LinkerMap map_;
};

absl::Status MapParser::Parse(absl::string_view text) {
  bool memory_configuration = false, started = false;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    absl::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == absl::string_view::npos ? text.size() : eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (started) {
      Line(line);
    } else if (absl::StartsWith(line, kMemoryConfiguration)) {
      memory_configuration = true;
    } else if (absl::StartsWith(line, kMapStart)) {
      started = memory_configuration;
    }
  }
  if (!started) {
    return absl::InvalidArgumentError(
        "not a GNU ld map (no \"Memory Configuration\" and \"Linker script "
        "and memory map\")");
  }
  return absl::OkStatus();
}

void MapParser::Line(absl::string_view line) {
  if (!pending_.empty()) {
    if (line.size() > 1 && line[0] == ' ' && absl::StrContains(line, "0x")) {
      Add(pending_, line);
    }
    pending_.clear();
    return;
  }
  if (!line.empty() && line[0] != ' ') {  // an output section or a statement
    absl::string_view output = line.substr(0, line.find_first_of(" \t"));
    if (!output.empty() && (output[0] == '.' || output[0] == '_')) {
      in_allocated_ = allocated_.find(output) != allocated_.end();
    }
    return;
  }
  if (line.size() < 2 || line[0] != ' ' || line[1] == ' ' || line[1] == '*') {
    return;
  }
  size_t end = line.find_first_of(" \t", 1);
  if (end == absl::string_view::npos) {
    pending_ = std::string(line.substr(1));
  } else {
    Add(line.substr(1, end - 1), line.substr(end));
  }
}

void MapParser::Add(absl::string_view name, absl::string_view rest) {
  InputSection section;
  if (!in_allocated_ || !ConsumeHex(&rest, &section.address) ||
      !ConsumeHex(&rest, &section.size) || section.size == 0) {
    return;
  }
  absl::string_view file = absl::StripAsciiWhitespace(rest);
  if (!file.empty()) {
    auto [it, added] =
        file_ids_.try_emplace(file, static_cast<int32_t>(map_.files.size()));
    if (added) map_.files.emplace_back(file);
    section.file = it->second;
  }
  ClassifyByName(name, &section);
  map_.sections.push_back(section);
}

LinkerMap MapParser::Finish() && {
  std::vector<InputSection>& sections = map_.sections;
  std::stable_sort(sections.begin(), sections.end(),
                   [](const InputSection& a, const InputSection& b) {
                     return a.address < b.address;
                   });
  // Entries at one address (an emptied merged section followed by the next
  // one): keep one, with the most conservative kind and the largest size.
  std::vector<InputSection> merged;
  for (const InputSection& section : sections) {
    if (merged.empty() || merged.back().address != section.address) {
      merged.push_back(section);
      continue;
    }
    InputSection& kept = merged.back();
    if (kept.kind != section.kind || kept.unit != section.unit) {
      kept.kind = InputSection::kPlain;
      kept.unit = 0;
    }
    if (kept.file != section.file) kept.file = -1;
    kept.size = std::max(kept.size, section.size);
  }
  sections = std::move(merged);
  return std::move(map_);
}

}  // namespace

const InputSection* LinkerMap::SectionAt(uint64_t address) const {
  auto it = std::upper_bound(
      sections.begin(), sections.end(), address,
      [](uint64_t a, const InputSection& s) { return a < s.address; });
  if (it == sections.begin()) return nullptr;
  --it;
  return address < it->end() ? &*it : nullptr;
}

absl::StatusOr<LinkerMap> ParseGnuLdMap(
    absl::string_view text,
    const std::set<std::string, std::less<>>& allocated) {
  MapParser parser(allocated);
  absl::Status status = parser.Parse(text);
  if (!status.ok()) return status;
  return std::move(parser).Finish();
}

absl::StatusOr<LinkerMap> ReadGnuLdMap(
    const std::string& path,
    const std::set<std::string, std::less<>>& allocated) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return absl::NotFoundError(absl::StrCat("no map ", path));
  std::string text(static_cast<size_t>(std::max<std::streamoff>(in.tellg(), 0)),
                   '\0');
  in.seekg(0);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  absl::StatusOr<LinkerMap> map = ParseGnuLdMap(text, allocated);
  if (!map.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", map.status().message()));
  }
  return map;
}

}  // namespace itr::skipper::index_internal
