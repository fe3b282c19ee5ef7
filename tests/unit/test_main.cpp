// The one main() of every unit test binary (Boost.Test, shared library).
#define BOOST_TEST_MODULE localca_unit
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>

#include <cstdlib>

int main(int argc, char** argv) {
    // The same Botan environment as the server (tools/localca/main.cpp): without the locked-memory
    // pool, so the engine under test allocates its secure buffers the way production does. It
    // also keeps the sanitizers honest: pool memory is handed between threads under a mutex
    // inside the uninstrumented libbotan, which TSan cannot see (a reused pool slot written by two
    // signing threads was reported as a race), and ASan cannot see a use after free in it.
    ::setenv("BOTAN_MLOCK_POOL_SIZE", "0", /*overwrite=*/0);
    return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
