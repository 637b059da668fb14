// LoadFunctionIndex: the side file, the cache, or a fresh build.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "itr/cache_directory.h"
#include "skipper/base/status_macros.h"
#include "skipper/index/function_index.h"

namespace itr::skipper {
namespace {

using ::itr::CacheLimitsFrom;
using ::itr::PruneCacheDirectory;
using ::itr::TouchCacheEntry;

constexpr absl::string_view kSideSuffix = ".itridx";
constexpr absl::string_view kMapSuffix = ".itr.map";

// Modification time in nanoseconds, or -1.
int64_t ModifiedNs(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return -1;
  return int64_t{info.st_mtim.tv_sec} * 1000000000 + info.st_mtim.tv_nsec;
}

// The side file written at link time. Without a build-id nothing in it
// ties it to the object: it counts only when not older than the object.
absl::StatusOr<std::unique_ptr<FunctionIndex>> ReadSideFile(
    const std::string& elf_path, absl::string_view build_id) {
  std::string side = absl::StrCat(elf_path, kSideSuffix);
  if (build_id.empty() && ModifiedNs(side) < ModifiedNs(elf_path)) {
    return absl::FailedPreconditionError(
        absl::StrCat(side, " is older than ", elf_path));
  }
  return FunctionIndex::ReadFile(side, build_id);
}

std::string CachePath(const IndexLocation& location,
                      absl::string_view build_id) {
  return absl::StrCat(location.cache_dir, "/", build_id, kSideSuffix);
}

// Builds the index and, when it has a key, stores it in the cache (a
// failure to store only costs the next process a build).
absl::StatusOr<std::unique_ptr<FunctionIndex>> BuildAndCache(
    const std::string& elf_path, absl::string_view build_id,
    const IndexLocation& location) {
  ITR_ASSIGN_OR_RETURN(
      std::unique_ptr<FunctionIndex> index,
      FunctionIndex::Build(elf_path, absl::StrCat(elf_path, kMapSuffix)));
  if (index->build_id() != build_id) {
    return absl::FailedPreconditionError(
        absl::StrCat(elf_path, " changed while it was indexed (build-id ",
                     index->build_id(), ", expected ", build_id, ")"));
  }
  if (!build_id.empty() && !location.cache_dir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(location.cache_dir, error);
    const std::string path = CachePath(location, build_id);
    if (index->WriteFile(path).ok()) {
      // The same directory and limits as the runtime's probe maps.
      PruneCacheDirectory(location.cache_dir, CacheLimitsFrom(::getenv), path);
    }
  }
  return index;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const FunctionIndex>> LoadFunctionIndex(
    const std::string& elf_path, absl::string_view build_id,
    const IndexLocation& location) {
  absl::StatusOr<std::unique_ptr<FunctionIndex>> side =
      ReadSideFile(elf_path, build_id);
  if (side.ok()) return std::shared_ptr<const FunctionIndex>(*std::move(side));
  std::string why = std::string(side.status().message());
  if (!build_id.empty() && !location.cache_dir.empty()) {
    const std::string path = CachePath(location, build_id);
    absl::StatusOr<std::unique_ptr<FunctionIndex>> cached =
        FunctionIndex::ReadFile(path, build_id);
    if (cached.ok()) {
      TouchCacheEntry(path);  // in use: the last to be evicted
      return std::shared_ptr<const FunctionIndex>(*std::move(cached));
    }
    absl::StrAppend(&why, "; ", cached.status().message());
  }
  if (!location.build_missing) {
    return absl::NotFoundError(
        absl::StrCat("no function index for ", elf_path, ": ", why));
  }
  ITR_ASSIGN_OR_RETURN(std::unique_ptr<FunctionIndex> built,
                       BuildAndCache(elf_path, build_id, location));
  return std::shared_ptr<const FunctionIndex>(std::move(built));
}

}  // namespace itr::skipper
