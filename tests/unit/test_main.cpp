// The one main() of every unit test binary (Boost.Test, shared library).
#define BOOST_TEST_MODULE localca_unit
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>

#include "ca/secure_memory.hpp"

int main(int argc, char** argv) {
    // The same Botan environment as the server, so the engine under test allocates its secure
    // buffers the way production does (and the sanitizers can see them).
    localca::ca::use_unpooled_secure_memory();
    return boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
}
