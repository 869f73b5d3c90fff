#pragma once

// A throwaway PKI for tests that run HTTPS servers: a CA and a server certificate for
// 127.0.0.1 / localhost, made with the openssl CLI in a temp dir removed afterwards.

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"

namespace warden::testing {

class TestPki {
 public:
  TestPki() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "warden-oidc-pki-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
    std::ofstream(Path("server.ext")) << "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                         "basicConstraints=CA:FALSE\n";
    const std::string d = dir_.string();
    const std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
    Run(absl::StrCat("openssl req -x509 ", ec, " -keyout ", d, "/ca.key -out ", d,
                     "/ca.pem -days 1 -subj /CN=Warden-Test-CA"));
    Run(absl::StrCat("openssl req ", ec, " -keyout ", d, "/server.key -out ", d,
                     "/server.csr -subj /CN=127.0.0.1"));
    Run(absl::StrCat("openssl x509 -req -in ", d, "/server.csr -CA ", d, "/ca.pem -CAkey ", d,
                     "/ca.key -CAcreateserial -days 1 -out ", d, "/server.pem -extfile ", d,
                     "/server.ext"));
  }
  ~TestPki() { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  static void Run(const std::string& command) {
    INFO(command);
    REQUIRE(std::system((command + " >/dev/null 2>&1").c_str()) == 0);
  }
  std::filesystem::path dir_;
};

}  // namespace warden::testing
