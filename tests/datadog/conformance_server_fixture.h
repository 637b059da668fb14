// Starts tests/datadog/conformance_server.py on 127.0.0.1 (any free port)
// for the lifetime of the object, and talks to its control API.
#ifndef ITR_TESTS_DATADOG_CONFORMANCE_SERVER_FIXTURE_H_
#define ITR_TESTS_DATADOG_CONFORMANCE_SERVER_FIXTURE_H_

#include <sys/types.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace itr::testing {

class ConformanceServer {
 public:
  // Spawns the server with the system Python (it needs python3-msgpack) and
  // waits up to 20 s for it to report its port.
  static absl::StatusOr<std::unique_ptr<ConformanceServer>> Start();
  ~ConformanceServer();  // stops the server

  // http://127.0.0.1:<port>, no trailing slash.
  const std::string& base_url() const { return base_url_; }

  // POST /_control/scenario with `update`; dies on failure (test setup).
  void SetScenario(const nlohmann::json& update);
  void Reset();
  // GET /_control/requests: {"requests": [...], "violations": [...]}.
  nlohmann::json Recorded();

 private:
  ConformanceServer(pid_t pid, std::string base_url, std::string port_file)
      : pid_(pid),
        base_url_(std::move(base_url)),
        port_file_(std::move(port_file)) {}
  nlohmann::json Control(const std::string& method, const std::string& path,
                         const std::string& body);

  pid_t pid_;
  std::string base_url_;
  std::string port_file_;
};

// A GoogleTest fixture: one server per test suite, reset before each test.
class ConformanceServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;

  static ConformanceServer* server_;
};

// A 127.0.0.1 port nothing listens on (bound, then closed).
int ClosedPort();

}  // namespace itr::testing

#endif  // ITR_TESTS_DATADOG_CONFORMANCE_SERVER_FIXTURE_H_
