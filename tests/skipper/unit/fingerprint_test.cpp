// skipper/fingerprint: file fingerprints and their stat cache.
#include "gtest/gtest.h"
#include "scratch_repo.h"
#include "skipper/fingerprint/file_fingerprinter.h"
#include "skipper/store/sqlite_store.h"

namespace itr::skipper {
namespace {

TEST(FileFingerprinter, ContentHashesAndTheStatCache) {
  ScratchRepo repo;
  repo.Write("src/a.cpp", "int a;");
  auto store = SqliteStore::Open(repo.store_path());
  ASSERT_TRUE(store.ok()) << store.status();
  FileFingerprinter fp(repo.root());
  // XXH3-128 of "int a;", high then low 64 bits (XXH3_128bits in C).
  EXPECT_EQ(fp.Content("src/a.cpp"), "0de5c73e567b8aff88027c0fbe754db8");
  EXPECT_EQ(ContentFingerprint("int a;"), fp.Content("src/a.cpp"));
  EXPECT_EQ(fp.Content("src/missing.cpp"), kMissingFile);
  ASSERT_TRUE((*store)->SaveStatCache(fp.updated()).ok());
  FileFingerprinter again(repo.root());
  auto cache = (*store)->LoadStatCache();
  ASSERT_TRUE(cache.ok());
  for (const auto& [path, entry] : *cache) again.Seed(path, entry);
  EXPECT_EQ(again.Content("src/a.cpp"), fp.Content("src/a.cpp"));
  EXPECT_EQ(again.hashed_files(), 0u);
}

TEST(FileFingerprinter, BuiltSourcesNewerThanTheBinaryOrMissingAreUnknown) {
  ScratchRepo repo;
  repo.Write("src/a.cpp", "int a;");
  FileFingerprinter fp(repo.root());
  EXPECT_EQ(fp.BuiltSource("src/a.cpp", /*built_at_ns=*/1),
            kUnknownFingerprint);
  EXPECT_EQ(fp.BuiltSource("src/a.cpp", /*built_at_ns=*/0), kUnknownFingerprint)
      << "an unknown build time trusts nothing";
  EXPECT_EQ(fp.BuiltSource("src/a.cpp", kBuiltNow), fp.Content("src/a.cpp"));
  EXPECT_EQ(fp.BuiltSource("src/a.cpp", kNoBuildTime), fp.Content("src/a.cpp"));
  EXPECT_EQ(fp.BuiltSource("src/missing.cpp", kNoBuildTime),
            kUnknownFingerprint);
  EXPECT_NE(fp.Content("src/a.cpp"), kUnknownFingerprint);
}

}  // namespace
}  // namespace itr::skipper
