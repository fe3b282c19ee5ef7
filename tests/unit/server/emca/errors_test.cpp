// emCA's error table: every ca::errc has its emCA text.
#include "server/emca/errors.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;
using namespace localca::server::emca;

BOOST_AUTO_TEST_SUITE(emca_errors)

BOOST_AUTO_TEST_CASE(every_errc_has_a_text) {
    for (int c = 0; c <= static_cast<int>(ca::errc::internal); ++c) {
        const auto text = failure_text({static_cast<ca::errc>(c), "m", "d"}, "5");
        BOOST_TEST(!text.empty());
    }
    BOOST_TEST(failure_text({ca::errc::profile_not_found, "", ""}, "5") ==
               "5 profile does not exist");
    BOOST_TEST(failure_text({ca::errc::signature_invalid, "", ""}) ==
               "Signature verification failed");
    BOOST_TEST(failure_text({ca::errc::csr_signature_invalid, "", ""}) ==
               "Please enter valid data");
}

BOOST_AUTO_TEST_SUITE_END()
