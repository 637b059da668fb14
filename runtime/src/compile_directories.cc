#include "compile_directories.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <link.h>
#include <unistd.h>

#include <algorithm>

#include "module_identity.h"
#include "source_paths.h"

namespace itr::runtime {

namespace {

// Compile units read per object: the first ones are the object's own
// sources; a repository search rarely needs more than one.
constexpr int kUnitsPerObject = 8;

int CollectObjectPaths(dl_phdr_info* info, size_t, void* data) {
  auto* paths = static_cast<std::vector<std::string>*>(data);
  std::string path = info->dlpi_name != nullptr ? info->dlpi_name : "";
  if (paths->empty() && path.empty()) path = ExecutablePath();
  bool system = path.rfind("/usr/", 0) == 0 || path.rfind("/lib", 0) == 0;
  // itr-cpp's own libraries are no part of the code under test.
  bool ours = path.find("/libitr_") != std::string::npos;
  if (!path.empty() && path[0] == '/' && !system && !ours) {
    paths->push_back(path);
  }
  return 0;
}

std::string Attribute(Dwarf_Die* die, unsigned int name) {
  Dwarf_Attribute attribute;
  const char* text =
      dwarf_formstring(dwarf_attr_integrate(die, name, &attribute));
  return text != nullptr ? text : "";
}

void AddUnitDirectories(const std::string& object, CompileDirectories* out) {
  int fd = open(object.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  Dwarf* dwarf = dwarf_begin(fd, DWARF_C_READ);
  Dwarf_Off offset = 0, next = 0;
  size_t header_size = 0;
  for (int unit = 0; dwarf != nullptr && unit < kUnitsPerObject &&
                     dwarf_nextcu(dwarf, offset, &next, &header_size, nullptr,
                                  nullptr, nullptr) == 0;
       ++unit, offset = next) {
    Dwarf_Die die;
    if (dwarf_offdie(dwarf, offset + header_size, &die) == nullptr) continue;
    std::string comp_dir = Attribute(&die, DW_AT_comp_dir);
    std::string name = Attribute(&die, DW_AT_name);
    if (!name.empty() && name[0] != '/' && !comp_dir.empty()) {
      name = comp_dir + "/" + name;
    }
    if (!name.empty() && name[0] == '/') {
      out->sources.back().push_back(
          NormalizePath(name.substr(0, name.rfind('/'))));
    }
    if (!comp_dir.empty() && comp_dir[0] == '/') {
      comp_dir = NormalizePath(comp_dir);
      auto& all = out->compilations;
      if (std::find(all.begin(), all.end(), comp_dir) == all.end()) {
        all.push_back(comp_dir);
      }
    }
  }
  if (dwarf != nullptr) dwarf_end(dwarf);
  close(fd);
}

}  // namespace

CompileDirectories FindCompileDirectories() {
  std::vector<std::string> objects;
  dl_iterate_phdr(CollectObjectPaths, &objects);
  CompileDirectories directories;
  for (const std::string& object : objects) {
    directories.sources.emplace_back();
    AddUnitDirectories(object, &directories);
  }
  return directories;
}

}  // namespace itr::runtime
