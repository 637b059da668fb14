#include "skipper/base/process_info.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

namespace itr::skipper {

std::string CurrentModuleName() {
  char buffer[4096];
  ssize_t n = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
  if (n <= 0) return "unknown";
  std::string path(buffer, static_cast<size_t>(n));
  return path.substr(path.rfind('/') + 1);
}

std::string CurrentCommandLine() {
  std::ifstream file("/proc/self/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(file)),
                  std::istreambuf_iterator<char>());
  while (!raw.empty() && raw.back() == '\0') raw.pop_back();
  for (char& c : raw) {
    if (c == '\0') c = ' ';
  }
  return raw;
}

int64_t ExecutableModifiedAtNs() {
  struct stat st {};
  if (stat("/proc/self/exe", &st) != 0) return 0;
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 +
         st.st_mtim.tv_nsec;
}

}  // namespace itr::skipper
