// The encodings of the reporting library without a network: line bitmaps
// (protocol §6.3), meta truncation, and the MessagePack envelope.
#include <cstdlib>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "itr/test_optimization.h"
#include "skipper/datadog/reporting/citestcycle_encoding.h"
#include "skipper/datadog/reporting/coverage_encoding.h"

namespace itr::datadog::reporting {
namespace {

TEST(LineBitmap, GoConventionLineOneIsTheHighBitOfByteZero) {
  EXPECT_EQ(LineBitmap({1, 3, 10}), std::string("\xA0\x40", 2));
  EXPECT_EQ(LineBitmap({8}), std::string("\x01", 1));
  EXPECT_EQ(LineBitmap({9}), std::string("\x00\x80", 2));
  EXPECT_EQ(LineBitmap({}), "");
  EXPECT_EQ(LineBitmap({0, -4}), "");  // no line 0: ignored
  EXPECT_EQ(LineBitmap({10, 3, 1, 3}), std::string("\xA0\x40", 2));
}

TEST(LineBitmap, RoundTrips) {
  const std::vector<int> lines = {1, 2, 7, 8, 9, 16, 17, 100, 1000};
  EXPECT_EQ(BitmapLines(LineBitmap(lines)), lines);
  EXPECT_EQ(BitmapLines(std::string("\xA0\x40", 2)),
            (std::vector<int>{1, 3, 10}));
}

TEST(MetaTruncation, CutsAt5000BytesOnACharacterBoundary) {
  EXPECT_EQ(TruncateMetaValue(std::string(5000, 'a')).size(), 5000u);
  EXPECT_EQ(TruncateMetaValue(std::string(6000, 'a')).size(), 5000u);
  // 4999 ASCII bytes then a 2-byte character straddling the limit.
  std::string value = std::string(4999, 'a') + "\xC3\xA9" + "tail";
  EXPECT_EQ(TruncateMetaValue(value), std::string(4999, 'a'));
}

TEST(Envelope, OverheadBoundHolds) {
  const std::string metadata = EncodeMetadata({{"*", {{"language", "cpp"}}}});
  std::vector<std::string> events;
  size_t bytes = 0;
  for (int i = 0; i < 70000; ++i) {  // past the 16-bit array header
    events.push_back(EncodeEvent(Event{.type = "test", .name = "x"}));
    bytes += events.back().size();
  }
  EXPECT_LE(AssembleEnvelope(metadata, events).size(),
            kEnvelopeOverhead + metadata.size() + bytes);
}

TEST(SessionOptionsFromEnvironment, ReadsTheDdVariables) {
  setenv("DD_SERVICE", "calc-service", 1);
  setenv("DD_ENV", "ci", 1);
  setenv("DD_TEST_SESSION_NAME", "nightly", 1);
  SessionOptions options =
      SessionOptionsFromEnvironment("doctest", "2.4.11", "calc_tests -s");
  unsetenv("DD_SERVICE");
  unsetenv("DD_ENV");
  unsetenv("DD_TEST_SESSION_NAME");
  EXPECT_EQ(options.service, "calc-service");
  EXPECT_EQ(options.env, "ci");
  EXPECT_EQ(options.session_name, "nightly");
  EXPECT_EQ(options.framework, "doctest");
  EXPECT_EQ(options.framework_version, "2.4.11");
  EXPECT_EQ(options.command, "calc_tests -s");
  EXPECT_EQ(options.environment_tags["os.platform"], "linux");
  EXPECT_FALSE(options.environment_tags["runtime.name"].empty());
  EXPECT_EQ(options.environment_tags["_dd.test.is_user_provided_service"],
            "true");
  EXPECT_EQ(options.sink, nullptr);
}

// The manual API tags events as the Datadog backend does: every DD_TAGS
// entry, test.configuration.*, a bare runtime.version.
TEST(SessionOptionsFromEnvironment, CarriesDdTagsAndTheConfiguration) {
  setenv("DD_TAGS", "test.configuration.board:rev2 team:core", 1);
  unsetenv("DD_SERVICE");
  SessionOptions options = SessionOptionsFromEnvironment("custom", "", "run");
  unsetenv("DD_TAGS");
  auto& tags = options.environment_tags;
  EXPECT_EQ(tags["test.configuration.board"], "rev2");
  EXPECT_EQ(tags["team"], "core");
  EXPECT_EQ(tags["_dd.test.is_user_provided_service"], "false");
  EXPECT_EQ(tags["runtime.version"].find(' '), std::string::npos)
      << tags["runtime.version"];
  EXPECT_FALSE(tags["test.working_directory"].empty());
}

TEST(TestSession, WorksWithoutASink) {
  auto session = TestSession::Start({});
  datadog::Test* test =
      session->StartModule("m")->StartSuite("s")->StartTest("t");
  EXPECT_EQ(ActiveTest(), test);
  test->Finish(TestStatus::kPass);
  EXPECT_EQ(ActiveTest(), nullptr);
  EXPECT_EQ(session->options().session_name, "");  // no command either
  EXPECT_NE(session->span_id(), 0u);
}

}  // namespace
}  // namespace itr::datadog::reporting
