#include "attribution_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "itr/cache_directory.h"
#include "module_identity.h"

namespace itr::runtime {

namespace {

constexpr char kMagic[8] = {'I', 'T', 'R', 'M', 'A', 'P', '\0', '\0'};
// 2: the checksum (version 1 entries had none; they are misses).
constexpr uint32_t kFormatVersion = 2;
constexpr uint64_t kMaxFiles = 1u << 30;
constexpr uint64_t kMaxFileBytes = 1ull << 34;
constexpr uint64_t kMaxPairs = 1ull << 34;

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
  // XXH3-64 seeded with OwnerSeed(), over this header (with this field 0)
  // and everything after it.
  uint64_t checksum;
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

// What the entry belongs to, as a seed: the module's key (its build-id)
// and its pc-table as file addresses, which place every probe.
uint64_t OwnerSeed(const AttributionOwner& owner) {
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  XXH3_64bits_update(&state, owner.key.data(), owner.key.size());
  uint64_t chunk[512];
  size_t used = 0;
  for (size_t i = 0; owner.pcs != nullptr && i < owner.probes; ++i) {
    chunk[used++] = owner.pcs[i].pc - owner.load_bias;
    chunk[used++] = owner.pcs[i].flags;
    if (used == sizeof(chunk) / sizeof(chunk[0])) {
      XXH3_64bits_update(&state, chunk, sizeof(chunk));
      used = 0;
    }
  }
  XXH3_64bits_update(&state, chunk, used * sizeof(chunk[0]));
  return XXH3_64bits_digest(&state);
}

uint64_t Checksum(uint64_t seed, Header header, std::string_view rest) {
  header.checksum = 0;
  XXH3_state_t state;
  XXH3_64bits_reset_withSeed(&state, seed);
  XXH3_64bits_update(&state, &header, sizeof(header));
  XXH3_64bits_update(&state, rest.data(), rest.size());
  return XXH3_64bits_digest(&state);
}

// The header's claims, checked before any size is trusted; the total size
// the entry must then have.
bool PlausibleHeader(const Header& header, const AttributionOwner& owner,
                     uint64_t* total) {
  if (memcmp(header.magic, kMagic, sizeof(kMagic)) != 0 ||
      header.version != kFormatVersion ||
      strncmp(header.producer, ProducerId().c_str(), sizeof(header.producer)) !=
          0 ||
      header.probes != owner.probes || header.files >= kMaxFiles ||
      header.file_bytes >= kMaxFileBytes || header.pairs >= kMaxPairs ||
      // Each name takes at least 2 bytes ("/" and its NUL).
      header.files > header.file_bytes / 2 || header.probes >= (1ull << 34)) {
    return false;
  }
  *total = sizeof(Header) + header.file_bytes +
           (header.probes + 1) * sizeof(uint32_t) +
           header.pairs * sizeof(FileLine);
  return true;
}

// The names, offsets and pairs, each index checked.
bool ParseBody(const Header& header, std::string_view body,
               ProbeAttribution* out) {
  std::string_view names = body.substr(0, header.file_bytes);
  const char* offsets = body.data() + header.file_bytes;
  const char* pairs = offsets + (header.probes + 1) * sizeof(uint32_t);
  out->function_granularity = header.function_granularity != 0;
  out->files.clear();
  // Sized by the bytes present, not by what the header claims.
  out->files.reserve(std::min<size_t>(header.files, names.size() / 2));
  for (size_t begin = 0; begin < names.size();) {
    size_t end = names.find('\0', begin);
    // Attribution names absolute paths only.
    if (end == std::string_view::npos || end == begin || names[begin] != '/') {
      return false;
    }
    out->files.emplace_back(names.substr(begin, end - begin));
    begin = end + 1;
  }
  out->offsets.resize(header.probes + 1);
  memcpy(out->offsets.data(), offsets, out->offsets.size() * sizeof(uint32_t));
  out->pairs.resize(header.pairs);
  // memcpy's pointers may not be null, even for no bytes.
  if (!out->pairs.empty()) {
    memcpy(out->pairs.data(), pairs, out->pairs.size() * sizeof(FileLine));
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

}  // namespace

std::string AttributionCacheDir() { return CacheDirectory(::getenv); }

std::string EncodeAttribution(const AttributionOwner& owner,
                              const ProbeAttribution& attribution) {
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
  std::string entry(sizeof(header), '\0');
  entry += names;
  entry.append(reinterpret_cast<const char*>(attribution.offsets.data()),
               attribution.offsets.size() * sizeof(uint32_t));
  entry.append(reinterpret_cast<const char*>(attribution.pairs.data()),
               attribution.pairs.size() * sizeof(FileLine));
  header.checksum = Checksum(OwnerSeed(owner), header,
                             std::string_view(entry).substr(sizeof(header)));
  memcpy(entry.data(), &header, sizeof(header));
  return entry;
}

bool ResealAttribution(const AttributionOwner& owner, std::string* entry) {
  Header header;
  if (entry->size() < sizeof(header)) return false;
  memcpy(&header, entry->data(), sizeof(header));
  header.checksum = Checksum(OwnerSeed(owner), header,
                             std::string_view(*entry).substr(sizeof(header)));
  memcpy(entry->data(), &header, sizeof(header));
  return true;
}

bool DecodeAttribution(std::string_view entry, const AttributionOwner& owner,
                       ProbeAttribution* out) {
  Header header;
  if (entry.size() < sizeof(header)) return false;
  memcpy(&header, entry.data(), sizeof(header));
  uint64_t total = 0;
  if (!PlausibleHeader(header, owner, &total) || entry.size() != total) {
    return false;
  }
  std::string_view body = entry.substr(sizeof(header));
  if (Checksum(OwnerSeed(owner), header, body) != header.checksum) {
    return false;
  }
  return ParseBody(header, body, out);
}

bool LoadAttribution(const std::string& dir, const AttributionOwner& owner,
                     ProbeAttribution* out) {
  if (dir.empty()) return false;
  const std::string path = PathFor(dir, owner.key);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  // The header first: a size is read only once it is plausible.
  Header header;
  uint64_t total = 0;
  struct stat st {};
  std::string entry;
  bool ok = ReadAll(fd, &header, sizeof(header)) &&
            PlausibleHeader(header, owner, &total) && fstat(fd, &st) == 0 &&
            static_cast<uint64_t>(st.st_size) == total;
  if (ok) {
    entry.resize(total);
    memcpy(entry.data(), &header, sizeof(header));
    ok = ReadAll(fd, entry.data() + sizeof(header), total - sizeof(header));
  }
  close(fd);
  if (!ok || !DecodeAttribution(entry, owner, out)) return false;
  TouchCacheEntry(path);  // in use: the last to be evicted
  return true;
}

bool StoreAttribution(const std::string& dir, const AttributionOwner& owner,
                      const ProbeAttribution& attribution) {
  if (dir.empty()) return false;
  MakeDirs(dir);
  std::string entry = EncodeAttribution(owner, attribution);
  std::string final_path = PathFor(dir, owner.key);
  std::string temp_path = final_path + kCacheTemporarySuffix +
                          std::to_string(static_cast<long>(getpid()));
  int fd =
      open(temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  bool ok = WriteAll(fd, entry.data(), entry.size());
  ok = (close(fd) == 0) && ok;
  if (ok) ok = rename(temp_path.c_str(), final_path.c_str()) == 0;
  if (!ok) unlink(temp_path.c_str());
  if (ok) PruneCacheDirectory(dir, CacheLimitsFrom(::getenv), final_path);
  return ok;
}

}  // namespace itr::runtime
