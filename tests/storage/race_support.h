#pragma once

// Helpers for storage race tests: wait until a store call is blocked behind a lock the test
// holds. (A store call is started without waiting for it with CallbackFuture, common/await.h.)

#include "tests/support/lock_wait.h"

namespace warden::storage::testing {

using warden::testing::AwaitLockWait;

}  // namespace warden::storage::testing
