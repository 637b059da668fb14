#include "attribution_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "itr/cache_directory.h"
#include "module_identity.h"

namespace itr::runtime {

namespace {

constexpr char kMagic[8] = {'I', 'T', 'R', 'M', 'A', 'P', '\0', '\0'};
constexpr uint32_t kFormatVersion = 1;

struct Header {
  char magic[8];
  // Build-id of the runtime that computed the entry: a rebuilt runtime may
  // attribute differently, so its entries never mix with older ones.
  char producer[64];
  uint32_t version;
  uint32_t function_granularity;
  uint64_t probes;
  uint64_t files;
  uint64_t file_bytes;
  uint64_t pairs;
};

bool WriteAll(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool ReadAll(int fd, void* data, size_t size) {
  char* p = static_cast<char*>(data);
  while (size > 0) {
    ssize_t n = read(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void MakeDirs(const std::string& dir) {
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') {
      mkdir(dir.substr(0, i).c_str(), 0755);
    }
  }
}

const std::string& ProducerId() {
  static const std::string* id = [] {
    ModuleIdentity self;
    IdentifyModule(reinterpret_cast<uintptr_t>(&ProducerId), &self);
    return new std::string(self.cache_key.substr(0, 63));
  }();
  return *id;
}

std::string PathFor(const std::string& dir, const std::string& key) {
  return dir + "/" + key + ".itrmap";
}

}  // namespace

std::string AttributionCacheDir() { return CacheDirectory(::getenv); }

bool LoadAttribution(const std::string& dir, const std::string& key,
                     size_t expected_probes, ProbeAttribution* out) {
  if (dir.empty()) return false;
  int fd = open(PathFor(dir, key).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  Header header;
  bool ok = ReadAll(fd, &header, sizeof(header)) &&
            memcmp(header.magic, kMagic, sizeof(kMagic)) == 0 &&
            header.version == kFormatVersion &&
            strncmp(header.producer, ProducerId().c_str(),
                    sizeof(header.producer)) == 0 &&
            header.probes == expected_probes && header.files < (1u << 30) &&
            header.file_bytes < (1ull << 34) && header.pairs < (1ull << 34);
  std::string names;
  if (ok) {
    names.resize(header.file_bytes);
    out->offsets.resize(header.probes + 1);
    out->pairs.resize(header.pairs);
    ok = ReadAll(fd, names.data(), names.size()) &&
         ReadAll(fd, out->offsets.data(),
                 out->offsets.size() * sizeof(uint32_t)) &&
         ReadAll(fd, out->pairs.data(), out->pairs.size() * sizeof(FileLine));
  }
  close(fd);
  if (!ok) return false;
  out->function_granularity = header.function_granularity != 0;
  out->files.clear();
  out->files.reserve(header.files);
  for (size_t begin = 0; begin < names.size();) {
    size_t end = names.find('\0', begin);
    if (end == std::string::npos) return false;
    out->files.emplace_back(names, begin, end - begin);
    begin = end + 1;
  }
  if (out->files.size() != header.files || out->offsets.front() != 0 ||
      out->offsets.back() != header.pairs) {
    return false;
  }
  for (size_t i = 0; i + 1 < out->offsets.size(); ++i) {
    if (out->offsets[i] > out->offsets[i + 1]) return false;
  }
  for (const FileLine& fl : out->pairs) {
    if (fl.file != kUnknownFile && fl.file >= header.files) return false;
  }
  return true;
}

bool StoreAttribution(const std::string& dir, const std::string& key,
                      const ProbeAttribution& attribution) {
  if (dir.empty()) return false;
  MakeDirs(dir);
  std::string names;
  for (const std::string& file : attribution.files) {
    names += file;
    names.push_back('\0');
  }
  Header header{};
  memcpy(header.magic, kMagic, sizeof(kMagic));
  header.version = kFormatVersion;
  strncpy(header.producer, ProducerId().c_str(), sizeof(header.producer) - 1);
  header.function_granularity = attribution.function_granularity ? 1 : 0;
  header.probes = attribution.probe_count();
  header.files = attribution.files.size();
  header.file_bytes = names.size();
  header.pairs = attribution.pairs.size();
  std::string final_path = PathFor(dir, key);
  std::string temp_path =
      final_path + ".tmp." + std::to_string(static_cast<long>(getpid()));
  int fd =
      open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  bool ok = WriteAll(fd, &header, sizeof(header)) &&
            WriteAll(fd, names.data(), names.size()) &&
            WriteAll(fd, attribution.offsets.data(),
                     attribution.offsets.size() * sizeof(uint32_t)) &&
            WriteAll(fd, attribution.pairs.data(),
                     attribution.pairs.size() * sizeof(FileLine));
  ok = (close(fd) == 0) && ok;
  if (ok) ok = rename(temp_path.c_str(), final_path.c_str()) == 0;
  if (!ok) unlink(temp_path.c_str());
  return ok;
}

}  // namespace itr::runtime
