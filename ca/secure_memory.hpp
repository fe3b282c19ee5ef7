#pragma once
// How the processes of this project let Botan allocate secret buffers. Header-only, so that every
// main() can call it before anything links or touches Botan (test binaries without ca/ too).
#include <cstdlib>

namespace localca::ca {

// Turns Botan's locked-memory pool off unless BOTAN_MLOCK_POOL_SIZE (KiB) is already set in the
// environment. The pool serialises every secure_vector allocation of every thread behind one
// global mutex; with several signing threads that lock shows up in profiles (8-10 % more
// certificates/s without it, docs/performance.md). Secrets are still zeroed when freed; keeping
// key material out of swap is then the host's job (no swap, or encrypted swap). The sanitizers
// also need it off: pool memory handed between threads under libbotan's own (uninstrumented)
// mutex looks racy to TSan, and ASan cannot see a use after free inside the pool.
// Botan reads the variable at its first secure allocation: call this first thing in main().
inline void use_unpooled_secure_memory() {
    ::setenv("BOTAN_MLOCK_POOL_SIZE", "0", /*overwrite=*/0);
}

} // namespace localca::ca
