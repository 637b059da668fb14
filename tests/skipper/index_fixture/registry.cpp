// A global object whose constructor changes.
#include <string>

#include "fixture.h"

namespace fixture {
namespace {

struct Registry {
  Registry() : name("default-registry") { name += ITR_EDIT ? "-v2" : "-v1"; }
  std::string name;
};
Registry g_registry;

}  // namespace

const std::string& RegistryName() { return g_registry.name; }

}  // namespace fixture
