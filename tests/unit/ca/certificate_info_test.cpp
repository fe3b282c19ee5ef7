// Decoded subject and issuer of a certificate made by the openssl CLI: DER order, Java-style
// short names, unknown attributes by OID only, UTF-8 values.
#include "ca/certificate_info.hpp"

#include "test_support.hpp"

#include <boost/test/unit_test.hpp>

using namespace localca;

BOOST_AUTO_TEST_SUITE(ca_certificate_info)

BOOST_AUTO_TEST_CASE(subject_and_issuer_in_der_order) {
    test::temp_dir dir;
    const auto der = test::openssl_self_signed(
        dir.path(), "c",
        "/C=CN/O=Acme/OU=Devices/emailAddress=ops@acme.test/2.5.4.97=VATCN-1/CN=Gerät 7", "-utf8");
    const auto info = ca::describe_certificate(der);
    BOOST_TEST_REQUIRE(info.subject.size() == 6u);
    BOOST_TEST(info.subject[0].short_name == "C");
    BOOST_TEST(info.subject[0].value == "CN");
    BOOST_TEST(info.subject[1].short_name == "O");
    BOOST_TEST(info.subject[3].oid == "1.2.840.113549.1.9.1");
    BOOST_TEST(info.subject[3].short_name == "EMAILADDRESS");
    BOOST_TEST(info.subject[4].oid == "2.5.4.97");
    BOOST_TEST(info.subject[4].short_name == "");
    BOOST_TEST(info.subject[5].short_name == "CN");
    BOOST_TEST(info.subject[5].value == "Gerät 7");
    // Self-signed: the issuer is the same name.
    BOOST_TEST_REQUIRE(info.issuer.size() == info.subject.size());
    BOOST_TEST(info.issuer[5].value == "Gerät 7");
    BOOST_CHECK_THROW(ca::describe_certificate({0x30, 0x00}), std::exception);
}

BOOST_AUTO_TEST_SUITE_END()
