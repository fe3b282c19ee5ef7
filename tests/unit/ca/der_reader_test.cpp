// ca/der_reader: the strict DER walker the CSR check uses and the BER structure walk the CMS
// parser runs before Botan. Hand-built encodings for each rule, and an openssl-made CSR walked
// level by level against what `openssl asn1parse` reports of the same bytes.
#include "ca/der_reader.hpp"
#include "test_support.hpp"

#include <botan/pem.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

using namespace localca;
using localca::test::error_of;
using localca::test::must_run;
using localca::test::openssl_csr;
using localca::test::temp_dir;

namespace {

using octets = std::vector<std::uint8_t>;

// An OCTET STRING of `n` bytes 0x5a with its length written in `length_octets` (0: short form),
// minimal or not as the count makes it.
octets octet_string(std::size_t n, std::size_t length_octets) {
    octets out{0x04};
    if (length_octets == 0) {
        out.push_back(static_cast<std::uint8_t>(n));
    } else {
        out.push_back(static_cast<std::uint8_t>(0x80 | length_octets));
        for (std::size_t i = length_octets; i-- > 0;) {
            out.push_back(static_cast<std::uint8_t>(i < sizeof(n) ? (n >> (8 * i)) & 0xff : 0));
        }
    }
    out.insert(out.end(), n, 0x5a);
    return out;
}

std::string der_error_of(const octets& in) {
    return error_of([&] {
        ca::der_reader r(in);
        r.next("element");
    });
}

struct asn1parse_line {
    std::size_t offset = 0;
    int depth = 0;
    std::size_t header = 0;
    std::size_t length = 0;
};

// `openssl asn1parse -inform DER` of `file`: offset, depth, header and value length per element.
std::vector<asn1parse_line> asn1parse(const std::string& file) {
    std::istringstream lines(must_run("openssl asn1parse -inform DER -in " + file));
    std::vector<asn1parse_line> out;
    std::string line;
    while (std::getline(lines, line)) {
        asn1parse_line l;
        char colon = 0;
        std::string d, hl, len;
        std::istringstream fields(line);
        fields >> l.offset >> colon >> d >> hl;
        // "d=1", "hl=4", then "l=" either joined to its number or followed by spaces.
        fields >> len;
        if (len == "l=") {
            fields >> len;
        } else {
            len = len.substr(2);
        }
        l.depth = std::stoi(d.substr(2));
        l.header = std::stoul(hl.substr(3));
        l.length = std::stoul(len);
        out.push_back(l);
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(der_reader)

BOOST_AUTO_TEST_CASE(definite_lengths) {
    const octets in{0x02, 0x01, 0x07, 0x05, 0x00};
    ca::der_reader r(in);
    const auto first = r.next("integer");
    BOOST_TEST(first.tag == 0x02);
    BOOST_TEST(first.whole.size() == 3u);
    BOOST_TEST(first.value.size() == 1u);
    BOOST_TEST(first.value[0] == 0x07);
    BOOST_TEST(!r.at_end());
    const auto null = r.expect(0x05, "null");
    BOOST_TEST(null.value.empty());
    BOOST_TEST(null.whole.data() == in.data() + 3);
    BOOST_TEST(r.at_end());
    r.expect_end("null"); // does not throw
}

BOOST_AUTO_TEST_CASE(long_form_lengths) {
    for (const std::size_t n : {std::size_t{0x80}, std::size_t{0xff}, std::size_t{0x100},
                                std::size_t{0x1234}, std::size_t{0x10000}}) {
        const std::size_t count = n < 0x100 ? 1 : n < 0x10000 ? 2 : 3;
        const auto in = octet_string(n, count);
        ca::der_reader r(in);
        const auto e = r.next("octets");
        BOOST_TEST(e.value.size() == n);
        BOOST_TEST(e.whole.size() == in.size());
        BOOST_TEST(r.at_end());
        BOOST_TEST(ca::ber_tlv_size(in) == in.size());
    }
    // More than 4 length octets is refused under both rules (no input of ours is that large).
    const octets five{0x04, 0x85, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00};
    BOOST_TEST(der_error_of(five).find("bad length") != std::string::npos);
    BOOST_CHECK_THROW(ca::ber_tlv_size(five), ca::der_error);
}

BOOST_AUTO_TEST_CASE(non_minimal_length_refused) {
    // A short length in long form, and a long form with a leading zero octet.
    for (const auto& in : {octet_string(5, 1), octet_string(0x7f, 1), octet_string(0x80, 2),
                           octet_string(0x100, 3)}) {
        BOOST_TEST(der_error_of(in) == "non-minimal length in element");
        // BER allows them: the CMS walk accepts what openssl may stream.
        BOOST_TEST(ca::ber_tlv_size(in) == in.size());
    }
}

BOOST_AUTO_TEST_CASE(truncated_input_refused) {
    BOOST_TEST(der_error_of({}) == "truncated element");
    BOOST_TEST(der_error_of({0x30}) == "truncated element");
    BOOST_TEST(der_error_of({0x04, 0x05, 0x01, 0x02}) == "truncated element");
    BOOST_TEST(der_error_of({0x04, 0x82, 0x01}) == "bad length in element");
    auto whole = octet_string(0x200, 2);
    whole.pop_back();
    BOOST_TEST(der_error_of(whole) == "truncated element");
    BOOST_TEST(error_of([&] { ca::ber_tlv_size(whole); }) == "length beyond the data");
    // A constructed value whose child runs past its parent's end.
    const octets child_too_long{0x30, 0x03, 0x04, 0x05, 0x00};
    BOOST_CHECK_THROW(ca::ber_tlv_size(child_too_long), ca::der_error);
}

BOOST_AUTO_TEST_CASE(indefinite_length_refused) {
    // SEQUENCE (indefinite) { OCTET STRING 00 } end-of-contents.
    const octets indefinite{0x30, 0x80, 0x04, 0x01, 0x00, 0x00, 0x00};
    BOOST_TEST(der_error_of(indefinite) == "indefinite length in element");
    BOOST_TEST(ca::ber_tlv_size(indefinite) == indefinite.size());
    // BER still wants the end-of-contents, and indefinite lengths on constructed values only.
    const octets no_end{0x30, 0x80, 0x04, 0x01, 0x00};
    BOOST_TEST(error_of([&] { ca::ber_tlv_size(no_end); }) == "missing end-of-contents");
    const octets primitive{0x04, 0x80, 0x00, 0x00};
    BOOST_TEST(error_of([&] { ca::ber_tlv_size(primitive); }) ==
               "indefinite length on a primitive value");
}

BOOST_AUTO_TEST_CASE(high_tag_numbers) {
    // [APPLICATION 128] primitive, empty: identifier 5f 81 00.
    const octets high{0x5f, 0x81, 0x00, 0x00};
    BOOST_TEST(der_error_of(high) == "unsupported high tag number in element");
    BOOST_TEST(ca::ber_tlv_size(high) == high.size());
    // More than 4 tag number octets.
    const octets endless{0x5f, 0x81, 0x81, 0x81, 0x81, 0x81, 0x00, 0x00};
    BOOST_CHECK_THROW(ca::ber_tlv_size(endless), ca::der_error);
}

BOOST_AUTO_TEST_CASE(nested_walk) {
    // An openssl-made CSR, walked two levels deep: every element's place and sizes are what
    // openssl's own parser reports for the same bytes.
    temp_dir dir;
    const auto pem = openssl_csr(dir.path(), "req", "p256", "/O=Acme/CN=dev1");
    const auto der_vec = Botan::PEM_Code::decode_check_label(pem, "CERTIFICATE REQUEST");
    const octets der(der_vec.begin(), der_vec.end());
    const auto file = (dir / "req.der").string();
    std::ofstream(file, std::ios::binary)
        .write(reinterpret_cast<const char*>(der.data()), static_cast<std::streamsize>(der.size()));
    const auto lines = asn1parse(file);

    std::vector<asn1parse_line> walked;
    const auto record = [&](const ca::der_element& e, int depth) {
        walked.push_back({static_cast<std::size_t>(e.whole.data() - der.data()), depth,
                          e.whole.size() - e.value.size(), e.value.size()});
    };
    ca::der_reader top(der);
    const auto request = top.expect(0x30, "CertificationRequest");
    top.expect_end("CertificationRequest");
    record(request, 0);
    ca::der_reader level1(request.value);
    while (!level1.at_end()) {
        const auto e = level1.next("part");
        record(e, 1);
        if (e.tag == 0x30) {
            ca::der_reader level2(e.value);
            while (!level2.at_end()) {
                record(level2.next("field"), 2);
            }
        }
    }
    std::vector<asn1parse_line> expected;
    for (const auto& l : lines) {
        if (l.depth <= 2) {
            expected.push_back(l);
        }
    }
    BOOST_REQUIRE_EQUAL(walked.size(), expected.size());
    for (std::size_t i = 0; i < walked.size(); ++i) {
        BOOST_TEST(walked[i].offset == expected[i].offset);
        BOOST_TEST(walked[i].depth == expected[i].depth);
        BOOST_TEST(walked[i].header == expected[i].header);
        BOOST_TEST(walked[i].length == expected[i].length);
    }
    BOOST_TEST(ca::ber_tlv_size(der) == der.size());
}

BOOST_AUTO_TEST_CASE(nesting_depth_is_bounded) {
    // k_max_ber_depth SEQUENCEs inside one another pass; one more is refused.
    const auto nested = [](int depth) {
        octets v{0x05, 0x00};
        for (int i = 1; i < depth; ++i) {
            octets outer{0x30, static_cast<std::uint8_t>(v.size())};
            outer.insert(outer.end(), v.begin(), v.end());
            v = outer;
        }
        return v;
    };
    const auto deepest = nested(ca::k_max_ber_depth);
    BOOST_TEST(ca::ber_tlv_size(deepest) == deepest.size());
    BOOST_TEST(error_of([&] { ca::ber_tlv_size(nested(ca::k_max_ber_depth + 1)); }) ==
               "nested too deep");
}

BOOST_AUTO_TEST_CASE(trailing_bytes) {
    const octets in{0x05, 0x00, 0xff};
    ca::der_reader r(in);
    r.expect(0x05, "null");
    BOOST_TEST(!r.at_end());
    BOOST_TEST(error_of([&] { r.expect_end("null"); }) == "unexpected data after null");
    // The BER walk measures the first TLV; the caller compares it with what it was given.
    BOOST_TEST(ca::ber_tlv_size(in) == 2u);
    // A wrong tag is refused by expect() and names what was expected.
    ca::der_reader other(in);
    BOOST_TEST(error_of([&] { other.expect(0x30, "SEQUENCE"); }) ==
               "unexpected element where SEQUENCE was expected");
}

BOOST_AUTO_TEST_SUITE_END()
