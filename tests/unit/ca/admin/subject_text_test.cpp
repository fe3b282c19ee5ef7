// The operator API's subject text: the same text as Botan's X509_DN::to_string (ca::subject_text)
// for subjects made by python3-cryptography with every attribute type, string type and character
// that needs escaping, multi-valued and repeated attributes, and input that is not DER at all.
#include "ca/admin/subject_text.hpp"

#include "ca/audit.hpp"

#include "test_support.hpp"

#include <botan/hex.h>

#include <boost/test/unit_test.hpp>

#include <sstream>

using namespace localca;

namespace {

// One hex DER Name per line.
const char* const k_names_py = R"PY(
from cryptography import x509
from cryptography.x509.oid import NameOID, ObjectIdentifier
from cryptography.x509.name import _ASN1Type as T
A = x509.NameAttribute
def rdn(*a): return x509.RelativeDistinguishedName(a)
names = [
  [A(NameOID.COMMON_NAME, "device-1")],
  [A(NameOID.COUNTRY_NAME, "DE"), A(NameOID.STATE_OR_PROVINCE_NAME, "Bayern"),
   A(NameOID.LOCALITY_NAME, "M\u00fcnchen"), A(NameOID.ORGANIZATION_NAME, "Org \"quoted\", Inc."),
   A(NameOID.ORGANIZATIONAL_UNIT_NAME, "back\\slash"), A(NameOID.COMMON_NAME, "cn=with,=signs")],
  [A(NameOID.SERIAL_NUMBER, "12345"), A(NameOID.EMAIL_ADDRESS, "a@b.example"),
   A(NameOID.DOMAIN_COMPONENT, "example"), A(NameOID.USER_ID, "uid-7"),
   A(ObjectIdentifier("1.3.6.1.4.1.55555.1"), "private type")],
  [A(NameOID.COMMON_NAME, "printable", _type=T.PrintableString),
   A(NameOID.ORGANIZATION_NAME, "ia5", _type=T.IA5String)],
  [A(NameOID.COMMON_NAME, "bmp \u20ac", _type=T.BMPString)],
  [A(NameOID.COMMON_NAME, "universal", _type=T.UniversalString)],
  [A(NameOID.COMMON_NAME, "teletex", _type=T.T61String)],
  [A(NameOID.ORGANIZATIONAL_UNIT_NAME, "one"), A(NameOID.ORGANIZATIONAL_UNIT_NAME, "two"),
   A(NameOID.COMMON_NAME, "repeated OU")],
  [A(NameOID.COMMON_NAME, "\u65e5\u672c\u8a9e \U0001F600 \x01ctl")],
]
out = [x509.Name(n).public_bytes().hex() for n in names]
out.append(x509.Name([rdn(A(NameOID.COMMON_NAME, "multi"), A(NameOID.ORGANIZATION_NAME, "valued"))]).public_bytes().hex())
out.append(x509.Name([]).public_bytes().hex())
print("\n".join(out))
)PY";

std::vector<std::vector<std::uint8_t>> python_names() {
    test::temp_dir dir;
    const auto script = dir / "names.py";
    { std::ofstream(script) << k_names_py; }
    std::istringstream lines(test::must_run("python3 " + script.string()));
    std::vector<std::vector<std::uint8_t>> out;
    for (std::string line; std::getline(lines, line);) {
        out.push_back(Botan::hex_decode(line));
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(ca_admin_subject_text)

BOOST_AUTO_TEST_CASE(same_text_as_botan_for_every_kind_of_name) {
    const auto names = python_names();
    BOOST_TEST_REQUIRE(names.size() == 11u);
    for (int round = 0; round < 2; ++round) { // the second from the per-thread name cache
        for (const auto& der : names) {
            BOOST_TEST_CONTEXT(Botan::hex_encode(der)) {
                BOOST_TEST(ca::admin::subject_text(der) == ca::subject_text(der));
            }
        }
    }
    // The attribute names come from Botan, including the ones it has no short form for.
    BOOST_TEST(ca::admin::subject_text(names[0]) == "CN=\"device-1\"");
    BOOST_TEST(ca::admin::subject_text(names[1]).find("O=\"Org \\\"quoted\\\", Inc.\"") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(input_that_is_not_a_name_is_botans_business) {
    const std::vector<std::vector<std::uint8_t>> odd = {
        {},
        {0x30},
        {0x30, 0x00, 0x00},
        {0x31, 0x00},
        {0x30, 0x81, 0x02, 0x31, 0x00}, // non-minimal length: BER, not DER
        {0x30, 0x04, 0x31, 0x02, 0x30, 0x00},
        {0x30, 0x0b, 0x31, 0x09, 0x30, 0x07, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x00}, // empty CN
    };
    for (const auto& der : odd) {
        BOOST_TEST_CONTEXT(Botan::hex_encode(der)) {
            BOOST_TEST(ca::admin::subject_text(der) == ca::subject_text(der));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
