#pragma once

// Owning pointers to the OpenSSL objects that more than one file of server/jose handles.

#include <openssl/bn.h>

#include <memory>

namespace warden::jose {

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

}  // namespace warden::jose
