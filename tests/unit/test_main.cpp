// The one main() of every unit test binary (Boost.Test, shared library).
#define BOOST_TEST_MODULE localca_unit
#include <boost/test/unit_test.hpp>
