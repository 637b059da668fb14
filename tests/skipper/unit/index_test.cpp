// skipper/index: the function index of real binaries. The fixture
// (tests/skipper/index_fixture) is one library compiled twice, ITR_EDIT=0
// (A) and 1 (B), linked as itr_instrument links (relocations, map, `itr
// index` after the link); the tests compare the two indexes, then exercise
// the file format and LoadFunctionIndex.
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "skipper/index/function_index.h"

namespace itr::skipper {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAreArray;

constexpr char kFixtureA[] = ITR_INDEX_FIXTURE_A;
constexpr char kFixtureB[] = ITR_INDEX_FIXTURE_B;

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// The side file `itr index` wrote after the fixture's link.
std::unique_ptr<FunctionIndex> SideIndex(const std::string& elf) {
  absl::StatusOr<std::string> build_id = ReadBuildId(elf);
  EXPECT_TRUE(build_id.ok()) << build_id.status();
  auto index = FunctionIndex::ReadFile(elf + ".itridx", *build_id);
  EXPECT_TRUE(index.ok()) << index.status();
  return index.ok() ? *std::move(index) : nullptr;
}

std::map<std::string, const IndexedFunction*> ByIdentity(
    const FunctionIndex& index) {
  std::map<std::string, const IndexedFunction*> out;
  for (const IndexedFunction& f : index.functions()) {
    out[std::string(index.String(f.identity))] = &f;
  }
  return out;
}

const IndexedFunction& Named(const FunctionIndex& index,
                             const std::string& identity) {
  auto all = ByIdentity(index);
  auto found = all.find(identity);
  if (found == all.end()) {
    ADD_FAILURE() << "no function " << identity;
    static const IndexedFunction kNone;
    return kNone;
  }
  return *found->second;
}

// A unit's name without the variant ("..._lib_a.a(x.cpp.o)" -> "x.cpp.o").
std::string Member(absl::string_view unit) {
  size_t open = unit.rfind('(');
  return std::string(open == absl::string_view::npos
                         ? unit
                         : unit.substr(open + 1, unit.size() - open - 2));
}

class FixtureIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = SideIndex(kFixtureA);
    b_ = SideIndex(kFixtureB);
    ASSERT_NE(a_, nullptr);
    ASSERT_NE(b_, nullptr);
  }

  // Identities whose fingerprint differs between A and B, or that exist in
  // one only.
  std::vector<std::string> Differing() const {
    std::vector<std::string> out;
    auto a = ByIdentity(*a_);
    auto b = ByIdentity(*b_);
    for (const auto& [identity, function] : a) {
      auto other = b.find(identity);
      if (other == b.end() ||
          other->second->fingerprint != function->fingerprint) {
        out.push_back(identity);
      }
    }
    for (const auto& [identity, function] : b) {
      if (a.count(identity) == 0) out.push_back(identity);
    }
    return out;
  }

  std::string RefNames(const FunctionIndex& index,
                       const IndexedFunction& f) const {
    std::vector<std::string> names;
    for (uint32_t i = 0; i < f.refs_count; ++i) {
      uint32_t ref = index.refs()[f.refs_begin + i];
      names.push_back(
          (ref & kRefData)
              ? "data:" + std::string(index.String(
                              index.data()[ref & ~kRefData].identity))
              : std::string(index.String(index.functions()[ref].identity)));
    }
    std::sort(names.begin(), names.end());
    std::string joined;
    for (const std::string& name : names) joined += name + " ";
    return joined;
  }

  std::unique_ptr<FunctionIndex> a_, b_;
};

// Every edit class of index_fixture/ at once: each touches its own
// function(s), so the differing set is exactly the union.
TEST_F(FixtureIndexTest, ExactlyTheEditedFunctionsDiffer) {
  ASSERT_TRUE(a_->fingerprinted()) << a_->not_fingerprinted_reason();
  ASSERT_TRUE(b_->fingerprinted());
  EXPECT_THAT(
      Differing(),
      UnorderedElementsAreArray(std::vector<std::string>{
          // constexpr kMaxItems in a header
          "_ZN7fixture10ClampCountEi",
          // the macro FIXTURE_SCALE
          "_ZN7fixture5ScaleEi",
          // the compile definition FIXTURE_FOO=1 -> 2
          "_ZN7fixture8FooLevelEv",
          // the header template folded into a constant
          "_ZN7fixture11FoldedLimitEv",
          // the string literal ", " -> "; "
          "_ZN7fixture4JoinERKNSt7__cxx1112basic_stringIcSt11char_"
          "traitsIcESaIcEEES7_",
          // an entry of a static const table
          "_ZN7fixture6WeightEi",
          // a global's initial value (g_base = 5 -> 6)
          "_ZN7fixture5BasedEi",
          // a global object's constructor: the unit's static initializer
          "_GLOBAL__sub_I_registry.cpp@registry.cpp",
          // one of two functions in one .cpp (Beta, and Step that moved,
          // stay equal)
          "_ZN7fixture5AlphaEi",
          // catch(ParseError&) -> catch(RangeError&): the LSDA only
          "_ZN7fixture9SafeParseERKNSt7__cxx1112basic_stringIcSt11char_"
          "traitsIcESaIcEEE",
          // the table and its one-past-the-end pointer, and (the known cost
          // of the end-pointer rule) the object that follows the table,
          // whose address is the end pointer's
          "_ZN7fixture10TableBeginEv",
          "_ZN7fixture8TableEndEv",
          "_ZN7fixture10AfterBeginEv",
      }));
}

TEST_F(FixtureIndexTest, CommentOnlyEditChangesNoFunctionNorItsUnit) {
  const IndexedFunction& quiet_a = Named(*a_, "_ZN7fixture5QuietEi");
  const IndexedFunction& quiet_b = Named(*b_, "_ZN7fixture5QuietEi");
  EXPECT_EQ(quiet_a.fingerprint, quiet_b.fingerprint);
  const IndexedUnit& unit_a = a_->units()[quiet_a.unit];
  const IndexedUnit& unit_b = b_->units()[quiet_b.unit];
  EXPECT_EQ(Member(a_->String(unit_a.name)), "comments.cpp.o");
  EXPECT_EQ(Member(b_->String(unit_b.name)), "comments.cpp.o");
  EXPECT_EQ(unit_a.fingerprint, unit_b.fingerprint);
  // ... while the unit of the edited Alpha differs.
  const IndexedFunction& alpha_a = Named(*a_, "_ZN7fixture5AlphaEi");
  const IndexedFunction& alpha_b = Named(*b_, "_ZN7fixture5AlphaEi");
  EXPECT_NE(a_->units()[alpha_a.unit].fingerprint,
            b_->units()[alpha_b.unit].fingerprint);
}

TEST_F(FixtureIndexTest, UnitsAreTheInputFilesTheLinkerWasGiven) {
  const IndexedFunction& clamp = Named(*a_, "_ZN7fixture10ClampCountEi");
  std::string unit(a_->String(a_->units()[clamp.unit].name));
  // A relative archive path, as CMake gave it to the linker.
  EXPECT_THAT(unit, HasSubstr("libitr_index_fixture_lib_a.a(values.cpp.o)"));
  EXPECT_NE(unit[0], '/');
  const IndexedFunction& main_function = Named(*a_, "main");
  EXPECT_THAT(std::string(a_->String(a_->units()[main_function.unit].name)),
              HasSubstr("itr_index_fixture_a.dir/index_fixture/main.cpp.o"));
}

TEST_F(FixtureIndexTest, Flags) {
  EXPECT_EQ(Named(*a_, "main").flags, kFunctionMain);
  EXPECT_EQ(Named(*a_, "_GLOBAL__sub_I_registry.cpp@registry.cpp").flags,
            kFunctionLocal | kFunctionStartupRoot);
  EXPECT_EQ(Named(*a_, "_ZN7fixtureL4StepEi@twofuncs.cpp").flags,
            kFunctionLocal);
  EXPECT_EQ(Named(*a_, "_ZN7fixture5TwiceEi").flags, kFunctionWeak);
  // std::setlocale
  EXPECT_EQ(Named(*a_, "_ZN7fixture10UseCLocaleEv").flags,
            kFunctionProcessState);
  EXPECT_EQ(Named(*a_, "_ZN7fixture5ScaleEi").flags, 0u);
}

TEST_F(FixtureIndexTest, References) {
  EXPECT_EQ(RefNames(*a_, Named(*a_, "_ZN7fixture5BasedEi")),
            "data:_ZN7fixture6g_baseE ");
  EXPECT_EQ(RefNames(*a_, Named(*a_, "_ZN7fixture12RegistryNameB5cxx11Ev")),
            "data:_ZN7fixture12_GLOBAL__N_110g_registryE@registry.cpp ");
  // A call the assembler resolved itself (a pseudo-relocation).
  EXPECT_EQ(RefNames(*a_, Named(*a_, "_ZN7fixture4BetaEi")),
            "_ZN7fixtureL4StepEi@twofuncs.cpp ");
  EXPECT_THAT(RefNames(*a_, Named(*a_, "main")),
              HasSubstr("_ZN7fixture5AlphaEi "));
  // No reference to runtime data (__dso_handle) or instrumentation.
  for (const IndexedData& data : a_->data()) {
    std::string name(a_->String(data.identity));
    EXPECT_NE(name.rfind("__sancov_", 0), 0u) << name;
    EXPECT_NE(name, "__dso_handle");
  }
}

TEST_F(FixtureIndexTest, FunctionAtMapsAddressesToFunctions) {
  const IndexedFunction& alpha = Named(*a_, "_ZN7fixture5AlphaEi");
  int64_t at = a_->FunctionAt(alpha.address + alpha.size / 2);
  ASSERT_GE(at, 0);
  EXPECT_EQ(a_->String(a_->functions()[at].identity), "_ZN7fixture5AlphaEi");
  EXPECT_EQ(a_->FunctionAt(alpha.address + alpha.size - 1), at);
  EXPECT_EQ(a_->FunctionAt(0), -1);
  EXPECT_EQ(a_->FunctionAt(~uint64_t{0}), -1);
  EXPECT_TRUE(std::is_sorted(
      a_->functions().begin(), a_->functions().end(),
      [](const auto& x, const auto& y) { return x.address < y.address; }));
}

TEST_F(FixtureIndexTest, BuildAgainEqualsTheSideFile) {
  auto built =
      FunctionIndex::Build(kFixtureA, std::string(kFixtureA) + ".itr.map");
  ASSERT_TRUE(built.ok()) << built.status();
  ASSERT_EQ((*built)->functions().size(), a_->functions().size());
  for (size_t i = 0; i < a_->functions().size(); ++i) {
    EXPECT_EQ((*built)->functions()[i].fingerprint,
              a_->functions()[i].fingerprint);
  }
  EXPECT_EQ((*built)->build_id(), a_->build_id());
  EXPECT_FALSE(a_->build_id().empty());
}

TEST(FunctionIndex, WithoutAMapFunctionsAndUnitsButNoFingerprints) {
  auto index = FunctionIndex::Build(kFixtureA, "");
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_FALSE((*index)->fingerprinted());
  EXPECT_THAT((*index)->not_fingerprinted_reason(), HasSubstr("no link map"));
  auto with_map =
      FunctionIndex::Build(kFixtureA, std::string(kFixtureA) + ".itr.map");
  ASSERT_TRUE(with_map.ok());
  EXPECT_EQ((*index)->functions().size(), (*with_map)->functions().size());
  // Units of local functions come from the symbol table's STT_FILE.
  const IndexedFunction& step =
      Named(**index, "_ZN7fixtureL4StepEi@twofuncs.cpp");
  EXPECT_EQ((*index)->String((*index)->units()[step.unit].name),
            "twofuncs.cpp");
  EXPECT_GE((*index)->FunctionAt(step.address), 0);
  EXPECT_EQ(step.flags, kFunctionLocal);
}

TEST(FunctionIndex, AMapOfAnotherLinkerIsNotAGnuLdMap) {
  std::string dir = ::testing::TempDir() + "/itr-index-lld-map";
  fs::create_directories(dir);
  WriteBytes(dir + "/lld.map",
             "             VMA              LMA     Size Align Out     In    "
             "  Symbol\n             2a8              2a8       1c     1 "
             ".interp\n");
  auto index = FunctionIndex::Build(kFixtureA, dir + "/lld.map");
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_FALSE((*index)->fingerprinted());
  EXPECT_THAT((*index)->not_fingerprinted_reason(),
              HasSubstr("not a GNU ld map"));
  EXPECT_FALSE((*index)->functions().empty());
}

TEST(FunctionIndex, WithoutRelocationsNoFingerprints) {
  // This test binary is not linked with --emit-relocs.
  auto index = FunctionIndex::Build("/proc/self/exe", "");
  ASSERT_TRUE(index.ok()) << index.status();
  EXPECT_FALSE((*index)->fingerprinted());
  EXPECT_THAT((*index)->not_fingerprinted_reason(),
              HasSubstr("no relocations"));
  EXPECT_GT((*index)->functions().size(), 100u);
}

TEST(FunctionIndex, NotAnElfFileIsAnError) {
  std::string path = ::testing::TempDir() + "/itr-index-not-elf";
  WriteBytes(path, "#!/bin/sh\necho not an ELF file\n");
  auto index = FunctionIndex::Build(path, "");
  EXPECT_FALSE(index.ok());
  EXPECT_THAT(std::string(index.status().message()),
              HasSubstr("not an x86-64 ELF"));
  EXPECT_FALSE(FunctionIndex::Build(path + ".missing", "").ok());
}

// --- the file format

class IndexFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/itr-index-file-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    path_ = dir_ + "/a.itridx";
    auto built =
        FunctionIndex::Build(kFixtureA, std::string(kFixtureA) + ".itr.map");
    ASSERT_TRUE(built.ok()) << built.status();
    index_ = *std::move(built);
    ASSERT_TRUE(index_->WriteFile(path_).ok());
    bytes_ = ReadBytes(path_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  absl::Status ReadVariant(const std::string& bytes) {
    std::string path = dir_ + "/variant.itridx";
    WriteBytes(path, bytes);
    return FunctionIndex::ReadFile(path, "").status();
  }

  std::string dir_, path_, bytes_;
  std::unique_ptr<FunctionIndex> index_;
};

TEST_F(IndexFileTest, RoundTrip) {
  auto read = FunctionIndex::ReadFile(path_, index_->build_id());
  ASSERT_TRUE(read.ok()) << read.status();
  const FunctionIndex& r = **read;
  EXPECT_EQ(r.build_id(), index_->build_id());
  EXPECT_EQ(r.fingerprinted(), index_->fingerprinted());
  ASSERT_EQ(r.functions().size(), index_->functions().size());
  for (size_t i = 0; i < r.functions().size(); ++i) {
    const IndexedFunction& x = r.functions()[i];
    const IndexedFunction& y = index_->functions()[i];
    EXPECT_EQ(x.address, y.address);
    EXPECT_EQ(x.size, y.size);
    EXPECT_EQ(r.String(x.identity), index_->String(y.identity));
    EXPECT_EQ(r.String(r.units()[x.unit].name),
              index_->String(index_->units()[y.unit].name));
    EXPECT_EQ(x.flags, y.flags);
    EXPECT_EQ(x.fingerprint, y.fingerprint);
    EXPECT_EQ(x.refs_begin, y.refs_begin);
    EXPECT_EQ(x.refs_count, y.refs_count);
  }
  EXPECT_EQ(r.refs(), index_->refs());
  ASSERT_EQ(r.units().size(), index_->units().size());
  for (size_t i = 0; i < r.units().size(); ++i) {
    EXPECT_EQ(r.units()[i].fingerprint, index_->units()[i].fingerprint);
  }
  ASSERT_EQ(r.data().size(), index_->data().size());
  // Written again, the same bytes.
  ASSERT_TRUE(r.WriteFile(dir_ + "/again.itridx").ok());
  EXPECT_EQ(ReadBytes(dir_ + "/again.itridx"), bytes_);
  // Unfingerprinted, with its reason.
  auto plain = FunctionIndex::Build(kFixtureA, "");
  ASSERT_TRUE(plain.ok());
  ASSERT_TRUE((*plain)->WriteFile(dir_ + "/plain.itridx").ok());
  auto plain_read = FunctionIndex::ReadFile(dir_ + "/plain.itridx", "");
  ASSERT_TRUE(plain_read.ok()) << plain_read.status();
  EXPECT_FALSE((*plain_read)->fingerprinted());
  EXPECT_EQ((*plain_read)->not_fingerprinted_reason(),
            (*plain)->not_fingerprinted_reason());
}

TEST_F(IndexFileTest, AFlippedByteAnywhereIsRejected) {
  ASSERT_GT(bytes_.size(), 1000u);
  for (size_t i = 0; i < bytes_.size();
       i += (i < 64 || i + 64 > bytes_.size()) ? 1 : 7) {
    std::string bad = bytes_;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    EXPECT_FALSE(ReadVariant(bad).ok()) << "byte " << i;
  }
}

TEST_F(IndexFileTest, TruncationIsRejected) {
  for (size_t size :
       {size_t{0}, size_t{1}, size_t{47}, size_t{63}, bytes_.size() / 2,
        bytes_.size() - 17, bytes_.size() - 1}) {
    EXPECT_FALSE(ReadVariant(bytes_.substr(0, size)).ok()) << size;
  }
  EXPECT_FALSE(ReadVariant(bytes_ + "x").ok());
  EXPECT_TRUE(ReadVariant(bytes_).ok());
}

// Issue 11: a tampered cache was trusted when two names of the same size
// were swapped (the size, and every offset, stay valid).
TEST_F(IndexFileTest, SwappedNamesOfTheSameSizeAreRejected) {
  std::string first = "_ZN7fixture5AlphaEi";
  std::string second = "_ZN7fixture5ScaleEi";
  ASSERT_EQ(first.size(), second.size());
  size_t at_first = bytes_.find(first + '\0');
  size_t at_second = bytes_.find(second + '\0');
  ASSERT_NE(at_first, std::string::npos);
  ASSERT_NE(at_second, std::string::npos);
  std::string swapped = bytes_;
  swapped.replace(at_first, first.size(), second);
  swapped.replace(at_second, second.size(), first);
  ASSERT_EQ(swapped.size(), bytes_.size());
  absl::Status status = ReadVariant(swapped);
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), HasSubstr("checksum"));
}

// A file whose checksum is right but whose content is not (a writer's bug,
// a forged file): every index is checked against its table.
TEST_F(IndexFileTest, IndicesOutOfRangeAreRejectedWithAValidChecksum) {
  auto u32 = [&](size_t at) {
    uint32_t value;
    std::memcpy(&value, bytes_.data() + at, 4);
    return value;
  };
  size_t refs = 48 + u32(16) + u32(24) * 56 + u32(28) * 20 + u32(32) * 8;
  ASSERT_GT(u32(36), 0u);
  std::string bad = bytes_;
  uint32_t out_of_range = 0x7ffffff0;
  std::memcpy(bad.data() + refs, &out_of_range, 4);
  XXH128_hash_t sum = XXH3_128bits(bad.data(), bad.size() - 16);
  std::memcpy(bad.data() + bad.size() - 16, &sum.low64, 8);
  std::memcpy(bad.data() + bad.size() - 8, &sum.high64, 8);
  absl::Status status = ReadVariant(bad);
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), HasSubstr("out of range"));
}

TEST_F(IndexFileTest, AnotherBuildIdIsRejected) {
  EXPECT_TRUE(FunctionIndex::ReadFile(path_, index_->build_id()).ok());
  auto other = FunctionIndex::ReadFile(path_, "0123456789abcdef");
  EXPECT_FALSE(other.ok());
  EXPECT_THAT(std::string(other.status().message()), HasSubstr("build-id"));
}

TEST_F(IndexFileTest, OtherMagicOrVersionIsRejected) {
  std::string bad = bytes_;
  bad[0] = 'X';
  EXPECT_TRUE(absl::IsInvalidArgument(ReadVariant(bad)));
  bad = bytes_;
  bad[8] = 2;  // version 2
  EXPECT_TRUE(absl::IsInvalidArgument(ReadVariant(bad)));
}

// --- LoadFunctionIndex: side file, then cache, then build (and cache)

class LoadIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/itr-load-index-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_ + "/bin");
    elf_ = dir_ + "/bin/fixture";
    fs::copy_file(kFixtureA, elf_);
    fs::copy_file(std::string(kFixtureA) + ".itr.map", elf_ + ".itr.map");
    auto build_id = ReadBuildId(elf_);
    ASSERT_TRUE(build_id.ok());
    build_id_ = *build_id;
    location_.cache_dir = dir_ + "/cache";
    cached_ = location_.cache_dir + "/" + build_id_ + ".itridx";
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string dir_, elf_, build_id_, cached_;
  IndexLocation location_;
};

TEST_F(LoadIndexTest, SideFileThenCacheThenBuild) {
  // Nothing yet, and building not allowed.
  location_.build_missing = false;
  EXPECT_TRUE(
      absl::IsNotFound(LoadFunctionIndex(elf_, build_id_, location_).status()));
  // Built, and stored in the cache.
  location_.build_missing = true;
  auto built = LoadFunctionIndex(elf_, build_id_, location_);
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_TRUE((*built)->fingerprinted());
  ASSERT_TRUE(fs::exists(cached_));
  // From the cache (building not allowed).
  location_.build_missing = false;
  auto cached = LoadFunctionIndex(elf_, build_id_, location_);
  ASSERT_TRUE(cached.ok()) << cached.status();
  EXPECT_TRUE((*cached)->fingerprinted());
  // A side file wins over the cache: here an unfingerprinted one.
  auto plain = FunctionIndex::Build(elf_, "");
  ASSERT_TRUE(plain.ok());
  ASSERT_TRUE((*plain)->WriteFile(elf_ + ".itridx").ok());
  auto side = LoadFunctionIndex(elf_, build_id_, location_);
  ASSERT_TRUE(side.ok()) << side.status();
  EXPECT_FALSE((*side)->fingerprinted());
  // A corrupt side file and a corrupt cache: rebuilt, and the cache healed.
  std::string bytes = ReadBytes(cached_);
  bytes[bytes.size() / 2] ^= 1;
  WriteBytes(cached_, bytes);
  WriteBytes(elf_ + ".itridx", bytes);
  EXPECT_FALSE(LoadFunctionIndex(elf_, build_id_, location_).ok());
  location_.build_missing = true;
  auto rebuilt = LoadFunctionIndex(elf_, build_id_, location_);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
  EXPECT_TRUE((*rebuilt)->fingerprinted());
  EXPECT_TRUE(FunctionIndex::ReadFile(cached_, build_id_).ok());
}

TEST_F(LoadIndexTest, ASideFileOfAnotherBuildIsIgnored) {
  fs::copy_file(std::string(kFixtureB) + ".itridx", elf_ + ".itridx");
  auto loaded = LoadFunctionIndex(elf_, build_id_, location_);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ((*loaded)->build_id(), build_id_);
}

TEST_F(LoadIndexTest, ConcurrentLoadsShareOneValidCacheEntry) {
  std::vector<std::thread> threads;
  std::vector<int> ok(6, 0);
  for (size_t i = 0; i < ok.size(); ++i) {
    threads.emplace_back([&, i] {
      ok[i] = LoadFunctionIndex(elf_, build_id_, location_).ok() ? 1 : 0;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_THAT(ok, ::testing::Each(1));
  EXPECT_TRUE(FunctionIndex::ReadFile(cached_, build_id_).ok());
  // No temporary file left behind.
  EXPECT_THAT(std::vector<fs::path>(fs::directory_iterator(location_.cache_dir),
                                    fs::directory_iterator()),
              ElementsAre(fs::path(cached_)));
}

}  // namespace
}  // namespace itr::skipper
