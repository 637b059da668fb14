// The function index of one linked object (an executable or a shared
// library): every function of its compiled code with a fingerprint of what
// that code does, the translation unit it came from, and what it refers to.
// A test's dependencies are the functions it executed; the index says,
// build after build, which of them changed.
//
// Built once per build, at link time (`itr index`, a post-link step that
// itr_instrument adds) or on first use, from
//   - the ELF file linked with -Wl,--emit-relocs (relocations stay in it),
//   - the GNU ld map of that link (-Wl,-Map=<object>.itr.map), which knows
//     the input section (and object file) behind every address.
// Without relocations or without a map, the index still maps addresses to
// functions but holds no fingerprints (fingerprinted() is false): such an
// object's tests are judged by the file rule.
//
// Fingerprint of a function (XXH3-128): its machine code with every
// relocated field replaced by a description of what it refers to — a
// symbol's identity, or the content of the read-only data it points at
// (string literals, constant tables, vtables, initial values of globals),
// recursively — plus its exception table (LSDA). Moving code elsewhere in
// the binary changes nothing; a change of what the function does (its own
// code, code inlined or constant-folded into it, constants, macros, types'
// layouts, compile definitions) changes its fingerprint. Debug information
// is not hashed: comments and reformatting change nothing, but code that
// embeds __LINE__ (assert, test assertions) changes when lines move.
//
// Identity across builds: the linkage name; a local (internal-linkage)
// function also names its translation unit ("name@unit.cpp"); clang's
// counter-numbered names (__cxx_global_var_init.N) become
// "base@unit.cpp#k", k its order within the unit.
#ifndef ITR_SKIPPER_INDEX_FUNCTION_INDEX_H_
#define ITR_SKIPPER_INDEX_FUNCTION_INDEX_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace itr::skipper {

struct Fingerprint128 {
  uint64_t low = 0, high = 0;
  bool operator==(const Fingerprint128& o) const {
    return low == o.low && high == o.high;
  }
  bool operator!=(const Fingerprint128& o) const { return !(*this == o); }
  std::string Hex() const;  // 32 lowercase hex digits
};

// What kind of code a function is, for scoping the code that runs outside
// tests (docs/skipper.md, "Code outside tests").
enum FunctionFlag : uint32_t {
  kFunctionWeak = 1u << 0,   // STB_WEAK: an inline function or template
                             // instance (COMDAT), no unit's own code
  kFunctionLocal = 1u << 1,  // STB_LOCAL (internal linkage)
  // Referenced by .init_array, .preinit_array or .ctors: a static
  // initializer (_GLOBAL__sub_I_*, a constructor function).
  kFunctionStartupRoot = 1u << 2,
  // Calls or takes the address of a function that changes process-wide
  // state (setlocale, setenv, putenv, unsetenv, signal, sigaction, chdir,
  // umask, srand, std::locale::global, std::ios_base::sync_with_stdio, ...).
  kFunctionProcessState = 1u << 3,
  kFunctionMain = 1u << 4,  // `main`
};

struct IndexedFunction {
  uint64_t address = 0;  // st_value: the file's address space
  uint64_t size = 0;
  uint32_t identity = 0;  // offset into the string table
  uint32_t unit = 0;      // index into units()
  uint32_t flags = 0;     // FunctionFlag bits
  Fingerprint128 fingerprint;
  // What its code refers to: refs()[refs_begin, refs_begin + refs_count).
  uint32_t refs_begin = 0, refs_count = 0;
};

// A writable data object (.data, .bss, .tdata, .tbss) some function refers
// to, for scoping static initialization: whoever reads it depends on the
// initializers that wrote it.
struct IndexedData {
  uint32_t identity =
      0;  // offset into the string table (name, @unit when local)
  uint32_t unit = 0;
};

// A reference: to a function (index into functions()) or, with
// kRefData set, to a data object (index into data()).
inline constexpr uint32_t kRefData = 1u << 31;

// A translation unit: the input object file the map names for the code
// ("CMakeFiles/t.dir/src/a.cpp.o", "libcalc.a(a.cpp.o)"), "" when unknown.
struct IndexedUnit {
  uint32_t name = 0;  // offset into the string table
  // Over (identity, fingerprint) of the unit's functions: equal exactly
  // when none of them changed.
  Fingerprint128 fingerprint;
};

class FunctionIndex {
 public:
  // Computes the index of the linked x86-64 ELF object at `elf_path` with
  // the GNU ld map of its link at `map_path` ("" for none).
  static absl::StatusOr<std::unique_ptr<FunctionIndex>> Build(
      const std::string& elf_path, const std::string& map_path);

  // The index file format: versioned, little-endian, with a checksum of its
  // whole content and the object's build-id. Read fails (InvalidArgument,
  // DataLoss) on any doubt: wrong magic or version, bad checksum,
  // truncation, indices out of range, another build-id than
  // `expected_build_id` (hex; "" accepts any).
  absl::Status WriteFile(const std::string& path) const;
  static absl::StatusOr<std::unique_ptr<FunctionIndex>> ReadFile(
      const std::string& path, absl::string_view expected_build_id);

  const std::string& build_id() const { return build_id_; }  // hex, or ""
  // False: no relocations or no map; addresses still map to functions.
  bool fingerprinted() const { return fingerprinted_; }
  // Why not, when not fingerprinted ("no relocations (link with
  // -Wl,--emit-relocs)", "no link map ...", "...: not a GNU ld map ...").
  const std::string& not_fingerprinted_reason() const {
    return not_fingerprinted_reason_;
  }

  // Sorted by address; aliases (several symbols on one function) appear
  // once, under their canonical identity.
  const std::vector<IndexedFunction>& functions() const { return functions_; }
  const std::vector<IndexedUnit>& units() const { return units_; }
  const std::vector<IndexedData>& data() const { return data_; }
  const std::vector<uint32_t>& refs() const { return refs_; }
  absl::string_view String(uint32_t offset) const;

  // The function whose [address, address + size) contains `address`, or
  // -1 (padding, PLT, code without a symbol).
  int64_t FunctionAt(uint64_t address) const;

 private:
  friend class FunctionIndexBuilder;
  friend class FunctionIndexReader;
  std::string build_id_;
  bool fingerprinted_ = false;
  std::string not_fingerprinted_reason_;
  std::vector<IndexedFunction> functions_;
  std::vector<IndexedUnit> units_;
  std::vector<IndexedData> data_;
  std::vector<uint32_t> refs_;
  std::string strings_;
};

struct IndexLocation {
  // Settings::cache_dir (itr/cache_directory.h); "" for no cache.
  std::string cache_dir;
  // Build and cache a missing index (needs <object>.itr.map); false: only
  // read what exists.
  bool build_missing = true;
};

// The index of the object at `elf_path` whose build-id is `build_id` (hex;
// "" when it has none): its side file <elf_path>.itridx when valid, else
// <cache_dir>/<build-id>.itridx, else built from the object and its map
// <elf_path>.itr.map and stored in the cache (atomically). Errors say why
// no index is available; the caller then falls back to the file rule.
absl::StatusOr<std::shared_ptr<const FunctionIndex>> LoadFunctionIndex(
    const std::string& elf_path, absl::string_view build_id,
    const IndexLocation& location);

// The build-id of the ELF file at `elf_path` (hex), "" when it has none.
absl::StatusOr<std::string> ReadBuildId(const std::string& elf_path);

}  // namespace itr::skipper

#endif  // ITR_SKIPPER_INDEX_FUNCTION_INDEX_H_
