#include "skipper/session/datadog_loader.h"

#include <dlfcn.h>

#include <atomic>

#include "absl/strings/str_cat.h"

namespace itr::skipper {

namespace {

std::atomic<const datadog::DatadogEntry*> g_linked{nullptr};

// The directory of the object holding this code (libitr_skipper.so).
std::string OwnDirectory() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&OwnDirectory), &info) == 0 ||
      info.dli_fname == nullptr) {
    return "";
  }
  std::string path = info.dli_fname;
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash + 1);
}

}  // namespace

void RegisterLinkedDatadog(const datadog::DatadogEntry* entry) {
  g_linked.store(entry);
}

const datadog::DatadogEntry* LoadDatadogEntry(std::string* why) {
  if (const datadog::DatadogEntry* linked = g_linked.load()) return linked;
  std::string path = OwnDirectory() + "libitr_datadog.so.0";
  // Lazy: only the functions a run calls are bound.
  void* library = dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (library == nullptr) {
    const char* error = dlerror();
    *why = absl::StrCat("cannot load ", path, ": ",
                        error != nullptr ? error : "unknown error");
    return nullptr;
  }
  using EntryFunction = const datadog::DatadogEntry* (*)();
  auto function =
      reinterpret_cast<EntryFunction>(dlsym(library, ITR_DATADOG_ENTRY_SYMBOL));
  const datadog::DatadogEntry* entry =
      function != nullptr ? function() : nullptr;
  if (entry == nullptr || entry->version != datadog::kDatadogEntryVersion) {
    *why = absl::StrCat(path, " is of another itr-cpp version");
    return nullptr;
  }
  return entry;
}

}  // namespace itr::skipper
