#pragma once

// A throwaway PKI for tests that run TLS servers: a CA, a server certificate for 127.0.0.1 /
// localhost, and on demand more server or client certificates signed by the same CA. Made
// with the openssl CLI in a temp dir removed afterwards.

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
  // Makes the CA (ca.pem, ca.key) and a first server certificate (server.pem, server.key).
  TestPki() {
    std::string pattern = (std::filesystem::temp_directory_path() / "warden-pki-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
    std::ofstream(Path("server.ext")) << "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                                         "basicConstraints=CA:FALSE\n";
    std::ofstream(Path("client.ext")) << "basicConstraints=CA:FALSE\n"
                                         "keyUsage=digitalSignature\n"
                                         "extendedKeyUsage=clientAuth\n";
    Run(absl::StrCat("openssl req -x509 ", kNewEcKey, " -keyout ", Path("ca.key"), " -out ",
                     Path("ca.pem"), " -days 1 -subj /CN=Warden-Test-CA"));
    IssueServerCertificate("server");
  }
  ~TestPki() { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // A new key (<name>.key) and certificate (<name>.pem) for 127.0.0.1 and localhost, signed
  // by the CA. Every certificate this CA issues has a serial of its own.
  void IssueServerCertificate(const std::string& name) {
    Issue(name, "/CN=127.0.0.1", "server.ext");
  }

  // A new key (<name>.key) and client certificate (<name>.pem, extended key usage
  // clientAuth) for `common_name`, signed by the CA.
  void IssueClientCertificate(const std::string& name, const std::string& common_name) {
    Issue(name, "/CN=" + common_name, "client.ext");
  }

 private:
  static constexpr const char* kNewEcKey = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";

  void Issue(const std::string& name, const std::string& subject, const std::string& ext) {
    Run(absl::StrCat("openssl req ", kNewEcKey, " -keyout ", Path(name + ".key"), " -out ",
                     Path(name + ".csr"), " -subj ", subject));
    Run(absl::StrCat("openssl x509 -req -in ", Path(name + ".csr"), " -CA ", Path("ca.pem"),
                     " -CAkey ", Path("ca.key"), " -CAcreateserial -days 1 -out ",
                     Path(name + ".pem"), " -extfile ", Path(ext)));
  }
  static void Run(const std::string& command) {
    INFO(command);
    REQUIRE(std::system((command + " >/dev/null 2>&1").c_str()) == 0);
  }
  std::filesystem::path dir_;
};

}  // namespace warden::testing
