#include "tests/datadog/conformance_server_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "skipper/transport/http_client.h"

namespace itr::testing {

namespace {

using skipper::transport::HttpClient;
using skipper::transport::HttpRequest;
using skipper::transport::RetryPolicy;

constexpr absl::Duration kStartTimeout = absl::Seconds(20);

}  // namespace

absl::StatusOr<std::unique_ptr<ConformanceServer>> ConformanceServer::Start() {
  const std::string port_file =
      absl::StrCat(::testing::TempDir(), "/itr-conformance-", getpid(), "-",
                   absl::ToUnixNanos(absl::Now()), ".port");
  std::remove(port_file.c_str());
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    execl(ITR_TEST_PYTHON, ITR_TEST_PYTHON, ITR_CONFORMANCE_SERVER,
          "--port-file", port_file.c_str(), "--exit-with-parent",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  const absl::Time give_up = absl::Now() + kStartTimeout;
  while (absl::Now() < give_up) {
    int port = 0;
    if (std::ifstream in(port_file); in >> port && port > 0) {
      return std::unique_ptr<ConformanceServer>(new ConformanceServer(
          pid, absl::StrCat("http://127.0.0.1:", port), port_file));
    }
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return absl::InternalError(absl::StrCat(
          ITR_CONFORMANCE_SERVER, " exited early (status ", status, "); does ",
          ITR_TEST_PYTHON, " have the msgpack module?"));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  return absl::DeadlineExceededError("conformance server did not start");
}

ConformanceServer::~ConformanceServer() {
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  std::remove(port_file_.c_str());
}

nlohmann::json ConformanceServer::Control(const std::string& method,
                                          const std::string& path,
                                          const std::string& body) {
  HttpClient client(RetryPolicy{.max_attempts = 1});
  HttpRequest request;
  request.method = method;
  request.url = base_url_ + path;
  request.headers = {{"Content-Type", "application/json"}};
  request.body = body;
  auto response = client.Send(request, absl::Now() + absl::Seconds(20));
  EXPECT_TRUE(response.ok()) << response.status();
  if (!response.ok()) return nullptr;
  EXPECT_EQ(response->status, 200) << path << ": " << response->body;
  return nlohmann::json::parse(response->body, nullptr, false);
}

void ConformanceServer::SetScenario(const nlohmann::json& update) {
  Control("POST", "/_control/scenario", update.dump());
}

void ConformanceServer::Reset() { Control("POST", "/_control/reset", "{}"); }

nlohmann::json ConformanceServer::Recorded() {
  return Control("GET", "/_control/requests", "");
}

int ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);  // never listened: connecting is refused
  return ntohs(address.sin_port);
}

ConformanceServer* ConformanceServerTest::server_ = nullptr;

void ConformanceServerTest::SetUpTestSuite() {
  auto started = ConformanceServer::Start();
  ASSERT_TRUE(started.ok()) << started.status();
  server_ = std::move(started).value().release();
}

void ConformanceServerTest::TearDownTestSuite() {
  delete server_;
  server_ = nullptr;
}

void ConformanceServerTest::SetUp() {
  ASSERT_NE(server_, nullptr);
  server_->Reset();
}

}  // namespace itr::testing
