#include "skipper/backend/object_indexes.h"

#include <cxxabi.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace itr::skipper {

std::string ObjectIndexes::ObjectName(absl::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == absl::string_view::npos ? path
                                                      : path.substr(slash + 1));
}

void ObjectIndexes::KnowPath(const std::string& path,
                             const std::string& build_id) {
  paths_.emplace(ObjectName(path), std::make_pair(path, build_id));
}

ObjectIndexes::Loaded* ObjectIndexes::Load(const std::string& path,
                                           const std::string& build_id) {
  std::unique_ptr<Loaded>& slot = loaded_[path];
  if (slot != nullptr) return slot.get();
  slot = std::make_unique<Loaded>();
  std::string expected = build_id;
  if (expected.empty()) {
    // A planner outside the test process: whatever is at the path now.
    absl::StatusOr<std::string> now = ReadBuildId(path);
    if (now.ok()) expected = *now;
  }
  absl::StatusOr<std::shared_ptr<const FunctionIndex>> index =
      LoadFunctionIndex(path, expected, location_);
  if (!index.ok()) {
    slot->why = std::string(index.status().message());
  } else if (!(*index)->fingerprinted()) {
    slot->why =
        "its function index has no fingerprints (link it with "
        "itr_instrument, or -Wl,--emit-relocs and -Wl,-Map)";
  } else {
    slot->index = std::move(*index);
  }
  if (slot->index == nullptr) problems_[ObjectName(path)] = slot->why;
  return slot.get();
}

const FunctionIndex* ObjectIndexes::ForExecuted(const ExecutedObject& object,
                                                std::string* why) {
  KnowPath(object.path, object.build_id);
  Loaded* loaded = Load(object.path, object.build_id);
  if (loaded->index == nullptr) *why = loaded->why;
  return loaded->index.get();
}

ObjectIndexes::Loaded* ObjectIndexes::ByName(absl::string_view object) {
  auto known = paths_.find(std::string(object));
  if (known == paths_.end()) return nullptr;
  Loaded* loaded = Load(known->second.first, known->second.second);
  if (loaded->index != nullptr && loaded->functions.empty()) {
    BuildLookups(loaded);
  }
  return loaded->index != nullptr ? loaded : nullptr;
}

void ObjectIndexes::BuildLookups(Loaded* loaded) {
  const FunctionIndex& index = *loaded->index;
  loaded->functions.reserve(index.functions().size());
  for (uint32_t i = 0; i < index.functions().size(); ++i) {
    loaded->functions.emplace(index.String(index.functions()[i].identity), i);
  }
  for (uint32_t i = 0; i < index.units().size(); ++i) {
    loaded->units.emplace(index.String(index.units()[i].name), i);
  }
}

std::string ObjectIndexes::FunctionKey(const std::string& object,
                                       const FunctionIndex& index,
                                       uint32_t function) {
  return absl::StrCat(object, ":",
                      index.String(index.functions()[function].identity));
}

std::string ObjectIndexes::UnitKey(const std::string& object,
                                   const FunctionIndex& index, uint32_t unit) {
  return absl::StrCat(object, ":", index.String(index.units()[unit].name));
}

std::string ObjectIndexes::CurrentFingerprint(const Dependency& dep) {
  size_t colon = dep.key.find(':');
  if (colon == std::string::npos) return "";
  Loaded* loaded = ByName(absl::string_view(dep.key).substr(0, colon));
  if (loaded == nullptr) return "";
  absl::string_view name = absl::string_view(dep.key).substr(colon + 1);
  if (dep.kind == kFunctionDependency) {
    auto found = loaded->functions.find(name);
    if (found == loaded->functions.end()) return "";  // gone: changed
    return loaded->index->functions()[found->second].fingerprint.Hex();
  }
  auto found = loaded->units.find(name);
  if (found == loaded->units.end()) return "";
  return loaded->index->units()[found->second].fingerprint.Hex();
}

std::string ObjectIndexes::Describe(const Dependency& dep) {
  size_t colon = dep.key.find(':');
  if (colon == std::string::npos || dep.kind != kFunctionDependency) {
    return dep.key;
  }
  std::string object = dep.key.substr(0, colon);
  std::string function =
      Demangled(absl::string_view(dep.key).substr(colon + 1));
  Loaded* loaded = ByName(object);
  if (loaded != nullptr) {
    auto found =
        loaded->functions.find(absl::string_view(dep.key).substr(colon + 1));
    if (found != loaded->functions.end()) {
      uint32_t unit = loaded->index->functions()[found->second].unit;
      return absl::StrCat(
          function, " in ",
          loaded->index->String(loaded->index->units()[unit].name), " (",
          object, ")");
    }
  }
  return absl::StrCat(function, " (", object, ")");
}

std::string Demangled(absl::string_view identity) {
  size_t at = identity.find('@');
  std::string name(identity.substr(0, at));
  std::string suffix(at == absl::string_view::npos ? "" : identity.substr(at));
  int status = 0;
  char* readable = abi::__cxa_demangle(name.c_str(), nullptr, nullptr, &status);
  if (status != 0 || readable == nullptr) return std::string(identity);
  std::string out = std::string(readable) + suffix;
  std::free(readable);
  return out;
}

}  // namespace itr::skipper
