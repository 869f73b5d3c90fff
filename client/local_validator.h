#pragma once

#include <grpcpp/channel.h>

#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "client/client.h"
#include "client/watched_state.h"
#include "domain/identity.h"
#include "warden/v1/auth.grpc.pb.h"

namespace warden {

struct LocalValidatorOptions {
  // How long the revocation watch may be down before Validate stops vouching for tokens
  // (UNAVAILABLE: it could have missed a revocation meanwhile). Callers typically fall
  // back to Client::ValidateToken then.
  absl::Duration max_disconnected = absl::Seconds(30);
  // Waits between reconnects of the watch: doubling from the first to the second.
  absl::Duration reconnect_backoff = absl::Milliseconds(200);
  absl::Duration max_reconnect_backoff = absl::Seconds(5);
  // A token signed by a key it does not know makes it fetch the keys again, at most this
  // often (a key rotation publishes the new key before it signs anything).
  absl::Duration key_refresh_cooldown = absl::Seconds(30);
  // How long Start waits for the keys and the first full state.
  absl::Duration start_timeout = absl::Seconds(10);
  // Verified tokens remembered so that one presented again skips its signature check (the
  // server's WARDEN_VALIDATION_CACHE_SIZE); 0: no cache. Revocation, roles and expiry are
  // checked on every call either way.
  size_t cache_size = 10000;
};

// Validates Warden tokens in process, without a network hop per token:
// AuthService.WatchRevocations keeps the public keys, the revoked tokens, the roles and the
// live M2M configurations current (resuming from its cursor after a reconnect, to any
// replica). Every full state of the watch carries the server's whole key set and replaces
// the one known, so a key removed from the server (say after a leak) stops verifying here
// once the watch has reconnected to a server without it; a token naming a key not known yet
// makes it ask AuthService.GetPublicKeys (rate-limited). The decision is the server's own:
// this runs the server's TokenValidator over views fed by the watch, so a token is accepted
// here exactly when AuthService.ValidateToken would accept it, once a change has arrived (the
// same bound as between replicas).
//
// Thread-safe: any number of threads may call Validate. Owns one background thread (the
// watch), stopped by the destructor.
class LocalValidator final {
 public:
  // Connects with `options` (endpoint, TLS, and the credentials the watch authenticates
  // with: an identity whose roles grant READ_ACCESS on Access and on Integration, such as
  // Analyst, and that lives as long as this validator: the server ends the watch when that
  // credential is revoked or expires, and Validate then answers UNAVAILABLE after
  // `max_disconnected`), fetches the keys and waits for the first full state.
  // UNAVAILABLE / DEADLINE_EXCEEDED if that takes longer than `start_timeout`;
  // UNAUTHENTICATED / PERMISSION_DENIED if the credentials are refused; INVALID_ARGUMENT
  // for options Client::Create refuses (credentials in cleartext to a remote endpoint).
  static absl::StatusOr<std::unique_ptr<LocalValidator>> Start(ClientOptions options,
                                                               LocalValidatorOptions local = {});
  ~LocalValidator();

  LocalValidator(const LocalValidator&) = delete;
  LocalValidator& operator=(const LocalValidator&) = delete;

  // The identity of `token` (without "Bearer "), with the permissions its roles grant, as
  // ValidateToken returns it; UNAUTHENTICATED with the reason when it is not valid;
  // UNAVAILABLE when the watch has been down longer than `max_disconnected`. May block for
  // one GetPublicKeys call when the token names an unknown key (at most once per cooldown).
  absl::StatusOr<v1::Identity> Validate(absl::string_view token) const;
  // The same decision and answer, shared instead of copied: a token presented again while
  // its roles' permissions are unchanged gets the very answer it got before (never modified
  // once returned), which saves copying its permissions on every call. Every check of
  // Validate (signature or cached verification, expiry, revocation, roles, M2M and provider
  // revisions, the watch being up) still runs on every call.
  absl::StatusOr<std::shared_ptr<const v1::Identity>> ValidateShared(absl::string_view token) const;

  // A message is counted once it has been applied whole: when `resets` reads n, the n-th
  // full state's keys, revocations and roles are in force.
  struct Stats {
    int64_t connects = 0;  // watch streams opened
    int64_t resets = 0;    // full states applied (the first included)
    int64_t key_fetches = 0;
    bool connected = false;
  };
  Stats stats() const;

 private:
  struct Keys;  // a key ring and the validator over it (local_validator.cc)

  LocalValidator(ClientOptions options, LocalValidatorOptions local,
                 std::shared_ptr<grpc::Channel> channel);
  // Asks GetPublicKeys and installs the answer.
  absl::Status FetchKeys() const;
  // Replaces the key ring (and with it the verified-token cache) by exactly `published`'s
  // keys. INTERNAL, keeping the old ring, if they cannot be read.
  absl::Status InstallKeys(const v1::GetPublicKeysResponse& published) const;
  void WatchLoop();
  // One stream, until it ends; the status it ended with.
  grpc::Status WatchOnce();
  // Not OK when the message cannot be applied (keys it cannot read): the stream is dropped,
  // so that Validate stops vouching after `max_disconnected` rather than trust old keys.
  absl::Status Apply(const v1::WatchRevocationsResponse& message);
  std::shared_ptr<const Keys> CurrentKeys() const;
  // The answer for a valid `identity` under the current roles: the one built before for the
  // same identity and role snapshot, else a new one (then kept).
  std::shared_ptr<const v1::Identity> AnswerFor(const Identity& identity) const;

  const ClientOptions options_;
  const LocalValidatorOptions local_;
  const std::shared_ptr<grpc::Channel> channel_;
  const std::unique_ptr<v1::AuthService::Stub> stub_;
  WatchedState state_;

  mutable absl::Mutex mu_;
  mutable std::shared_ptr<const Keys> keys_ ABSL_GUARDED_BY(mu_);
  mutable absl::Time last_key_fetch_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  mutable int64_t key_fetches_ ABSL_GUARDED_BY(mu_) = 0;
  std::string cursor_ ABSL_GUARDED_BY(mu_);
  bool synced_ ABSL_GUARDED_BY(mu_) = false;         // a full state arrived, ever
  bool connected_ ABSL_GUARDED_BY(mu_) = false;      // the current stream is in sync
  absl::Time disconnected_at_ ABSL_GUARDED_BY(mu_);  // when !connected_
  grpc::Status last_error_ ABSL_GUARDED_BY(mu_);
  int64_t connects_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t resets_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* stream_context_ ABSL_GUARDED_BY(mu_) = nullptr;
  absl::Time last_prune_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();

  // Answers already built, by token id. An answer is a function of the identity and the
  // role snapshot, so an entry is used only when both are the same (the snapshot is held, so
  // its address cannot be reused by a newer one). At most `cache_size` entries (at least
  // one); when full it starts over.
  struct Answer {
    Identity identity;
    std::shared_ptr<const RoleSnapshot> roles;
    std::shared_ptr<const v1::Identity> answer;
  };
  mutable absl::Mutex answers_mu_;
  mutable absl::flat_hash_map<std::string, Answer> answers_ ABSL_GUARDED_BY(answers_mu_);

  std::thread watch_thread_;
};

}  // namespace warden
