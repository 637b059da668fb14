#include <vector>

#include "sel/text.h"

namespace sel {
namespace {

// Filled by static initialization, before any test.
struct Registry {
  Registry() { entries.push_back(1); }
  std::vector<int> entries;
};
Registry g_registry;

}  // namespace

int RegistryEntries() { return static_cast<int>(g_registry.entries.size()); }

}  // namespace sel
