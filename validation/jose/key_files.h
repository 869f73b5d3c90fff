#pragma once

// Where signing keys come from: PEM files named in the configuration, or, for a dev run with
// none configured, a key Warden generates once and keeps in its data directory (SPEC §1).

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "validation/jose/key_ring.h"
#include "validation/jose/signing_key.h"

namespace warden::jose {

// Loads one key per PEM file into a ring. The first file must hold a private key (it signs);
// later files may hold private or public keys (they only verify, e.g. during rotation).
// Errors name the offending path; INVALID_ARGUMENT if `pem_paths` is empty, a file holds an
// unsupported key, or two files hold the same key. Never logs or returns key material.
absl::StatusOr<KeyRing> LoadKeyRing(const std::vector<std::string>& pem_paths);

// The dev-mode key: reads `<data_dir>/signing-key.pem`, or, if it does not exist, generates
// an ES256 key and writes it there as PKCS#8 PEM with mode 0600, creating `data_dir` (and
// missing parents) with mode 0700. The write is atomic (temp file created O_EXCL 0600,
// fsync, rename without replacing, fsync of the directory), so a crash never leaves a torn
// key and two processes racing on one data dir end up sharing one key. An existing file must
// hold a private key and must not be readable or writable by group or others
// (FAILED_PRECONDITION otherwise, as ssh does). `*created` (if not null) is set to true iff
// this call wrote the file. Not for concurrent use with other writers of that file.
absl::StatusOr<std::shared_ptr<const SigningKey>> LoadOrCreateDevKey(const std::string& data_dir,
                                                                     bool* created);

}  // namespace warden::jose
