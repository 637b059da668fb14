// FunctionIndex::WriteFile and ReadFile: the index file format
// (index_file.h).
#include "skipper/index/index_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "skipper/base/status_macros.h"
#include "skipper/index/function_index.h"
#include "skipper/index/hasher.h"

namespace itr::skipper {

using index_internal::kChecksumBytes;
using index_internal::kDataBytes;
using index_internal::kFunctionBytes;
using index_internal::kHeaderBytes;
using index_internal::kRefBytes;
using index_internal::kUnitBytes;

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "the index file is little-endian, as is x86-64");

namespace {

void Put32(std::string* out, uint32_t value) {
  out->append(reinterpret_cast<const char*>(&value), 4);
}
void Put64(std::string* out, uint64_t value) {
  out->append(reinterpret_cast<const char*>(&value), 8);
}
uint32_t Get32(const char* at) {
  uint32_t value;
  std::memcpy(&value, at, 4);
  return value;
}
uint64_t Get64(const char* at) {
  uint64_t value;
  std::memcpy(&value, at, 8);
  return value;
}

Fingerprint128 Checksum(const char* data, size_t size) {
  index_internal::Hasher h;
  h.Raw(data, size);
  return h.Digest();
}

absl::Status ErrnoError(const std::string& what) {
  return absl::ErrnoToStatus(errno, what);
}

// Writes `content` to a temporary file beside `path`, then renames it over
// `path`: readers see the old file or the whole new one.
absl::Status WriteAtomically(const std::string& path,
                             const std::string& content) {
  static std::atomic<unsigned> counter{0};
  std::string temporary =
      absl::StrCat(path, ".tmp.", getpid(), ".", counter.fetch_add(1));
  int fd =
      open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoError(absl::StrCat("cannot create ", temporary));
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      absl::Status error = ErrnoError(absl::StrCat("cannot write ", temporary));
      close(fd);
      unlink(temporary.c_str());
      return error;
    }
    written += static_cast<size_t>(n);
  }
  if (close(fd) != 0 || rename(temporary.c_str(), path.c_str()) != 0) {
    absl::Status error = ErrnoError(absl::StrCat("cannot write ", path));
    unlink(temporary.c_str());
    return error;
  }
  return absl::OkStatus();
}

// The whole file in one read.
absl::StatusOr<std::string> ReadWhole(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return errno == ENOENT ? absl::NotFoundError(absl::StrCat("no ", path))
                           : ErrnoError(absl::StrCat("cannot open ", path));
  }
  struct stat info;
  std::string content;
  if (fstat(fd, &info) == 0 && info.st_size > 0) {
    content.resize(static_cast<size_t>(info.st_size));
  }
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = read(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  close(fd);
  content.resize(done);
  return content;
}

}  // namespace

// Decodes and checks an index file's bytes.
class FunctionIndexReader {
 public:
  FunctionIndexReader(const std::string& path, const std::string& bytes)
      : path_(path), bytes_(bytes) {}

  absl::StatusOr<std::unique_ptr<FunctionIndex>> Read(
      absl::string_view expected_build_id);

 private:
  absl::Status Header();
  void Decode(FunctionIndex* index) const;
  absl::Status Check(const FunctionIndex& index) const;
  absl::Status CheckFunctions(const FunctionIndex& index) const;
  absl::Status Corrupt(absl::string_view what) const {
    return absl::DataLossError(
        absl::StrCat("index ", path_, " is corrupt: ", what));
  }

  const std::string& path_;
  const std::string& bytes_;
  uint32_t flags_ = 0, build_id_size_ = 0, reason_ = 0;
  uint32_t functions_ = 0, units_ = 0, data_ = 0, refs_ = 0;
  uint64_t strings_ = 0;
};

absl::Status FunctionIndexReader::Header() {
  if (bytes_.size() < kHeaderBytes + kChecksumBytes) {
    return Corrupt("truncated");
  }
  const char* p = bytes_.data();
  size_t body = bytes_.size() - kChecksumBytes;
  Fingerprint128 stored{Get64(p + body), Get64(p + body + 8)};
  if (std::memcmp(p, index_internal::kIndexMagic, 8) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path_, " is not an itr-cpp function index"));
  }
  if (Get32(p + 8) != index_internal::kIndexVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat("index ", path_, " has version ", Get32(p + 8),
                     ", expected ", index_internal::kIndexVersion));
  }
  if (Checksum(p, body) != stored) return Corrupt("checksum mismatch");
  flags_ = Get32(p + 12);
  build_id_size_ = Get32(p + 16);
  reason_ = Get32(p + 20);
  functions_ = Get32(p + 24);
  units_ = Get32(p + 28);
  data_ = Get32(p + 32);
  refs_ = Get32(p + 36);
  strings_ = Get64(p + 40);
  // Counts are 32-bit: no product below overflows 64 bits.
  if (strings_ > bytes_.size() ||
      kHeaderBytes + build_id_size_ + functions_ * kFunctionBytes +
              units_ * kUnitBytes + data_ * kDataBytes + refs_ * kRefBytes +
              strings_ + kChecksumBytes !=
          bytes_.size()) {
    return Corrupt("sizes do not add up");
  }
  if ((flags_ & ~index_internal::kIndexFingerprinted) != 0) {
    return Corrupt("unknown flags");
  }
  return absl::OkStatus();
}

void FunctionIndexReader::Decode(FunctionIndex* index) const {
  const char* p = bytes_.data() + kHeaderBytes;
  index->build_id_.assign(p, build_id_size_);
  p += build_id_size_;
  index->fingerprinted_ = (flags_ & index_internal::kIndexFingerprinted) != 0;
  index->functions_.resize(functions_);
  for (IndexedFunction& f : index->functions_) {
    f.address = Get64(p);
    f.size = Get64(p + 8);
    f.identity = Get32(p + 16);
    f.unit = Get32(p + 20);
    f.flags = Get32(p + 24);
    f.refs_begin = Get32(p + 28);
    f.refs_count = Get32(p + 32);
    f.fingerprint = {Get64(p + 40), Get64(p + 48)};
    p += kFunctionBytes;
  }
  index->units_.resize(units_);
  for (IndexedUnit& u : index->units_) {
    u.name = Get32(p);
    u.fingerprint = {Get64(p + 4), Get64(p + 12)};
    p += kUnitBytes;
  }
  index->data_.resize(data_);
  for (IndexedData& d : index->data_) {
    d.identity = Get32(p);
    d.unit = Get32(p + 4);
    p += kDataBytes;
  }
  index->refs_.resize(refs_);
  if (refs_ != 0) std::memcpy(index->refs_.data(), p, refs_ * kRefBytes);
  p += refs_ * kRefBytes;
  index->strings_.assign(p, strings_);
}

absl::Status FunctionIndexReader::Check(const FunctionIndex& index) const {
  const std::string& strings = index.strings_;
  if (strings.empty() || strings.front() != '\0' || strings.back() != '\0') {
    return Corrupt("string table not NUL-delimited");
  }
  if (reason_ >= strings.size()) return Corrupt("string offset out of range");
  for (const IndexedUnit& u : index.units_) {
    if (u.name >= strings.size()) return Corrupt("unit name out of range");
  }
  for (const IndexedData& d : index.data_) {
    if (d.identity >= strings.size() || d.unit >= index.units_.size()) {
      return Corrupt("data object out of range");
    }
  }
  for (uint32_t ref : index.refs_) {
    bool data = (ref & kRefData) != 0;
    uint32_t target = ref & ~kRefData;
    if (target >= (data ? index.data_.size() : index.functions_.size())) {
      return Corrupt("reference out of range");
    }
  }
  return CheckFunctions(index);
}

absl::Status FunctionIndexReader::CheckFunctions(
    const FunctionIndex& index) const {
  uint64_t previous = 0;
  for (const IndexedFunction& f : index.functions_) {
    if (f.address < previous) return Corrupt("functions out of order");
    previous = f.address;
    if (f.address + f.size < f.address || f.size == 0) {
      return Corrupt("function range");
    }
    if (f.identity >= index.strings_.size() || f.unit >= index.units_.size() ||
        (f.flags & ~index_internal::kKnownFunctionFlags) != 0 ||
        uint64_t{f.refs_begin} + f.refs_count > index.refs_.size()) {
      return Corrupt("function out of range");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<FunctionIndex>> FunctionIndexReader::Read(
    absl::string_view expected_build_id) {
  ITR_RETURN_IF_ERROR(Header());
  auto index = std::make_unique<FunctionIndex>();
  Decode(index.get());
  ITR_RETURN_IF_ERROR(Check(*index));
  index->not_fingerprinted_reason_ = std::string(index->String(reason_));
  if (!expected_build_id.empty() && index->build_id_ != expected_build_id) {
    return absl::FailedPreconditionError(
        absl::StrCat("index ", path_, " is of build-id ",
                     index->build_id_.empty() ? "(none)" : index->build_id_,
                     ", not ", expected_build_id));
  }
  return index;
}

absl::StatusOr<std::unique_ptr<FunctionIndex>> FunctionIndex::ReadFile(
    const std::string& path, absl::string_view expected_build_id) {
  ITR_ASSIGN_OR_RETURN(std::string bytes, ReadWhole(path));
  return FunctionIndexReader(path, bytes).Read(expected_build_id);
}

namespace {

// The offset of `text` in the string table `strings` (0 for "").
uint32_t FindString(const std::string& strings, const std::string& text) {
  if (text.empty()) return 0;
  size_t at = strings.find(std::string(1, '\0') + text + '\0');
  return at == std::string::npos ? 0 : static_cast<uint32_t>(at + 1);
}

}  // namespace

absl::Status FunctionIndex::WriteFile(const std::string& path) const {
  std::string out;
  out.reserve(kHeaderBytes + build_id_.size() +
              functions_.size() * kFunctionBytes + units_.size() * kUnitBytes +
              data_.size() * kDataBytes + refs_.size() * kRefBytes +
              strings_.size() + kChecksumBytes);
  out.append(index_internal::kIndexMagic, 8);
  Put32(&out, index_internal::kIndexVersion);
  Put32(&out, fingerprinted_ ? index_internal::kIndexFingerprinted : 0);
  Put32(&out, static_cast<uint32_t>(build_id_.size()));
  Put32(&out, FindString(strings_, not_fingerprinted_reason_));
  Put32(&out, static_cast<uint32_t>(functions_.size()));
  Put32(&out, static_cast<uint32_t>(units_.size()));
  Put32(&out, static_cast<uint32_t>(data_.size()));
  Put32(&out, static_cast<uint32_t>(refs_.size()));
  Put64(&out, strings_.size());
  out += build_id_;
  for (const IndexedFunction& f : functions_) {
    Put64(&out, f.address);
    Put64(&out, f.size);
    for (uint32_t field :
         {f.identity, f.unit, f.flags, f.refs_begin, f.refs_count, 0u}) {
      Put32(&out, field);
    }
    Put64(&out, f.fingerprint.low);
    Put64(&out, f.fingerprint.high);
  }
  for (const IndexedUnit& u : units_) {
    Put32(&out, u.name);
    Put64(&out, u.fingerprint.low);
    Put64(&out, u.fingerprint.high);
  }
  for (const IndexedData& d : data_) {
    Put32(&out, d.identity);
    Put32(&out, d.unit);
  }
  for (uint32_t ref : refs_) Put32(&out, ref);
  out += strings_;
  Fingerprint128 checksum = Checksum(out.data(), out.size());
  Put64(&out, checksum.low);
  Put64(&out, checksum.high);
  return WriteAtomically(path, out);
}

}  // namespace itr::skipper
