#include "skipper/index/identities.h"

#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace itr::skipper::index_internal {
namespace {

constexpr absl::string_view kCounterNamed[] = {"__cxx_global_var_init",
                                               "__cxx_global_array_dtor"};

// "name.123" -> "name"; other names unchanged.
absl::string_view WithoutNumberSuffix(absl::string_view name) {
  size_t dot = name.rfind('.');
  if (dot == absl::string_view::npos || dot + 1 >= name.size()) return name;
  for (char c : name.substr(dot + 1)) {
    if (!absl::ascii_isdigit(c)) return name;
  }
  return name.substr(0, dot);
}

}  // namespace

Identities::Identities(const ObjectLayout& layout)
    : layout_(layout),
      cache_(layout.symbols().size()),
      cached_(layout.symbols().size(), false) {
  std::map<std::pair<absl::string_view, int32_t>, int> ordinal;
  for (const CodeFunction& function : layout.functions()) {  // address order
    for (uint32_t index : function.aliases) {
      const ElfSymbol& symbol = layout.symbols()[index];
      if (!symbol.local()) continue;
      absl::string_view base = WithoutNumberSuffix(symbol.name);
      bool counter_named = false;
      for (absl::string_view name : kCounterNamed)
        counter_named |= base == name;
      if (!counter_named) continue;
      int k = ordinal[{base, symbol.file}]++;
      counter_named_[index] = absl::StrCat(base, "@", FileOf(index), "#", k);
    }
  }
}

const std::string& Identities::FileOf(uint32_t symbol) const {
  static const std::string* const kUnknown = new std::string("?");
  int32_t file = layout_.symbols()[symbol].file;
  const std::vector<std::string>& files = layout_.image().files();
  return file >= 0 && static_cast<size_t>(file) < files.size() ? files[file]
                                                               : *kUnknown;
}

const std::string& Identities::Of(uint32_t symbol) const {
  if (!cached_[symbol]) {
    cache_[symbol] = Compute(symbol);
    cached_[symbol] = true;
  }
  return cache_[symbol];
}

std::string Identities::Compute(uint32_t symbol) const {
  auto found = counter_named_.find(symbol);
  if (found != counter_named_.end()) return found->second;
  const ElfSymbol& s = layout_.symbols()[symbol];
  if (!s.local()) return std::string(s.name);
  return absl::StrCat(s.name, "@", FileOf(symbol));
}

}  // namespace itr::skipper::index_internal
