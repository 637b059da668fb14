// itr/cache_directory.h — where itr-cpp caches what it derives from a
// build (probe-to-line maps, function indexes), keyed by build-id:
//   ITR_CACHE_DIR, else $XDG_CACHE_HOME/itr-cpp, else $HOME/.cache/itr-cpp;
//   "" when none is set (no cache).
// One definition for the runtime and the skipper (C++ only).
#ifndef ITR_CACHE_DIRECTORY_H_
#define ITR_CACHE_DIRECTORY_H_

#include <string>

namespace itr {

// `getenv`: const char*(const char* name), as ::getenv.
template <typename GetEnv>
std::string CacheDirectory(const GetEnv& getenv) {
  const char* dir = getenv("ITR_CACHE_DIR");
  if (dir != nullptr && *dir) return dir;
  const char* xdg = getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && *xdg) return std::string(xdg) + "/itr-cpp";
  const char* home = getenv("HOME");
  if (home != nullptr && *home) return std::string(home) + "/.cache/itr-cpp";
  return "";
}

}  // namespace itr

#endif  // ITR_CACHE_DIRECTORY_H_
