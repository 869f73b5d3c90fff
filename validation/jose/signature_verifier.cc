#include "validation/jose/signature_verifier.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "glog/logging.h"

namespace warden::jose {

const EVP_MD* FetchedSha256() {
  static const EVP_MD* const md = [] {
    EVP_MD* fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    CHECK(fetched != nullptr) << "OpenSSL has no SHA256";
    return fetched;
  }();
  return md;
}

SignatureVerifier::~SignatureVerifier() {
  absl::MutexLock lock(&mu_);
  for (const Contexts& contexts : idle_) Free(contexts);
}

void SignatureVerifier::Free(Contexts contexts) {
  EVP_MD_CTX_free(contexts.digest);
  EVP_PKEY_CTX_free(contexts.verify);
}

SignatureVerifier::Contexts SignatureVerifier::Make() const {
  Contexts made{EVP_MD_CTX_new(), EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_, nullptr)};
  const bool ok = made.digest != nullptr && made.verify != nullptr &&
                  EVP_PKEY_verify_init(made.verify) == 1 &&
                  EVP_PKEY_CTX_set_signature_md(made.verify, FetchedSha256()) == 1 &&
                  (!EVP_PKEY_is_a(pkey_, "RSA") ||
                   EVP_PKEY_CTX_set_rsa_padding(made.verify, RSA_PKCS1_PADDING) == 1);
  if (ok) return made;
  Free(made);
  ERR_clear_error();
  return Contexts{};
}

bool SignatureVerifier::Verify(std::string_view data, std::string_view signature) const {
  Contexts contexts;
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      contexts = idle_.back();
      idle_.pop_back();
    }
  }
  if (contexts.verify == nullptr) contexts = Make();
  if (contexts.verify == nullptr) return false;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  // EVP_DigestInit_ex2 with the digest the context already holds reuses its state.
  const bool ok =
      EVP_DigestInit_ex2(contexts.digest, FetchedSha256(), nullptr) == 1 &&
      EVP_DigestUpdate(contexts.digest, data.data(), data.size()) == 1 &&
      EVP_DigestFinal_ex(contexts.digest, digest, &digest_size) == 1 &&
      EVP_PKEY_verify(contexts.verify, reinterpret_cast<const unsigned char*>(signature.data()),
                      signature.size(), digest, digest_size) == 1;
  ERR_clear_error();
  absl::MutexLock lock(&mu_);
  idle_.push_back(contexts);
  return ok;
}

}  // namespace warden::jose
