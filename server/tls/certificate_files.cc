#include "server/tls/certificate_files.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <ctime>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace warden::tls {
namespace {

constexpr size_t kMaxPemFileBytes = 1 << 20;

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

// Declines every passphrase prompt: an encrypted key fails to load instead of blocking.
int NoPassphrase(char*, int, int, void*) { return 0; }

// The whole file, at most kMaxPemFileBytes. `what` names it in errors ("TLS key file").
absl::StatusOr<std::string> ReadPemFile(const std::string& path, const char* what) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rbe"),
                                                       &std::fclose);
  if (file == nullptr)
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot open ", what, " ", path));
  std::string pem;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) {
    pem.append(buffer, n);
    if (pem.size() > kMaxPemFileBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " ", path, " is larger than ", kMaxPemFileBytes, " bytes"));
    }
  }
  OPENSSL_cleanse(buffer, sizeof(buffer));
  if (std::ferror(file.get())) {
    return absl::ErrnoToStatus(errno, absl::StrCat("cannot read ", what, " ", path));
  }
  return pem;
}

BioPtr MemoryBio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// Every CERTIFICATE block of `pem`, in order (other blocks, such as a key, are skipped).
absl::StatusOr<std::vector<X509Ptr>> ParseCertificates(const std::string& pem,
                                                       const std::string& path, const char* what) {
  BioPtr bio = MemoryBio(pem);
  if (bio == nullptr) return absl::ResourceExhaustedError("OpenSSL could not allocate a BIO");
  std::vector<X509Ptr> certs;
  while (X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, NoPassphrase, nullptr)}) {
    certs.push_back(std::move(cert));
  }
  // Reading stops at the end of the data ("no start line") or at a block that is broken.
  const unsigned long error = ERR_peek_last_error();
  const bool clean_end =
      ERR_GET_LIB(error) == ERR_LIB_PEM && ERR_GET_REASON(error) == PEM_R_NO_START_LINE;
  ERR_clear_error();
  if (!clean_end) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", path, ": certificate ", certs.size() + 1, " is not valid PEM"));
  }
  if (certs.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", path, " holds no PEM certificate (BEGIN CERTIFICATE)"));
  }
  return certs;
}

absl::StatusOr<PkeyPtr> ParsePrivateKey(const std::string& pem, const std::string& path) {
  // Checked up front: OpenSSL would only report a declined passphrase prompt.
  if (pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string::npos ||
      pem.find("Proc-Type: 4,ENCRYPTED") != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("TLS key file ", path, " is encrypted; warden-server needs it unencrypted"));
  }
  BioPtr bio = MemoryBio(pem);
  if (bio == nullptr) return absl::ResourceExhaustedError("OpenSSL could not allocate a BIO");
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  ERR_clear_error();
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("TLS key file ", path, " holds no PEM private key"));
  }
  return key;
}

absl::Time ToTime(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) return absl::InfinitePast();
  return absl::FromTM(tm, absl::UTCTimeZone());
}

CertificateSummary Summarize(X509* cert) {
  CertificateSummary summary;
  if (BioPtr bio{BIO_new(BIO_s_mem())}) {
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    summary.subject.assign(data, len > 0 ? static_cast<size_t>(len) : 0);
  }
  if (BnPtr serial{ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)}) {
    if (char* hex = BN_bn2hex(serial.get())) {
      summary.serial = hex;
      OPENSSL_free(hex);
    }
  }
  summary.not_before = ToTime(X509_get0_notBefore(cert));
  summary.not_after = ToTime(X509_get0_notAfter(cert));
  return summary;
}

}  // namespace

absl::StatusOr<KeyPair> LoadKeyPairFiles(const std::string& cert_file,
                                         const std::string& key_file) {
  ASSIGN_OR_RETURN(std::string cert_pem, ReadPemFile(cert_file, "TLS certificate file"));
  ASSIGN_OR_RETURN(std::vector<X509Ptr> chain,
                   ParseCertificates(cert_pem, cert_file, "TLS certificate file"));
  ASSIGN_OR_RETURN(std::string key_pem, ReadPemFile(key_file, "TLS key file"));
  absl::StatusOr<PkeyPtr> key = ParsePrivateKey(key_pem, key_file);
  OPENSSL_cleanse(key_pem.data(), key_pem.size());
  if (!key.ok()) return key.status();
  const bool match = X509_check_private_key(chain.front().get(), key->get()) == 1;
  ERR_clear_error();
  if (!match) {
    return absl::InvalidArgumentError(absl::StrCat("TLS key file ", key_file,
                                                   " does not match the certificate in ", cert_file,
                                                   " (the first one in the file)"));
  }
  return KeyPair{std::move(chain), *std::move(key)};
}

absl::StatusOr<CertificateSummary> CheckKeyPairFiles(const std::string& cert_file,
                                                     const std::string& key_file) {
  ASSIGN_OR_RETURN(KeyPair pair, LoadKeyPairFiles(cert_file, key_file));
  return Summarize(pair.chain.front().get());
}

absl::StatusOr<int> CheckClientCaFile(const std::string& ca_file) {
  ASSIGN_OR_RETURN(std::string pem, ReadPemFile(ca_file, "TLS client CA file"));
  ASSIGN_OR_RETURN(std::vector<X509Ptr> certs,
                   ParseCertificates(pem, ca_file, "TLS client CA file"));
  return static_cast<int>(certs.size());
}

}  // namespace warden::tls
