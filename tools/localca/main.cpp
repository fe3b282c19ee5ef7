#include "tools/localca/cli.hpp"

#include <cstdlib>

int main(int argc, char** argv) {
    // Botan's locked-memory pool serialises every secure_vector allocation of every thread behind
    // one global mutex; with several signing threads that lock shows up in profiles (8-10 % more
    // certificates/s without it, docs/performance.md). Secrets are still zeroed when freed.
    // Keeping key material out of swap is then the host's job (no swap, or encrypted swap);
    // setting BOTAN_MLOCK_POOL_SIZE (KiB) in the environment turns the pool back on. Must happen
    // before Botan's first secure allocation, which is why it is the first thing main does.
    ::setenv("BOTAN_MLOCK_POOL_SIZE", "0", /*overwrite=*/0);
    return localca::tools::run_cli(argc, argv);
}
