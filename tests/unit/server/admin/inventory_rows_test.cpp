// An inventory row rendered for the exports: the NDJSON line is byte for byte what boost::json
// makes of the list's item object (every escape, nulls, owners), and python3's csv module reads
// the CSV lines back into the row's fields (quotes, commas, line breaks inside a field).
#include "server/admin/inventory_rows.hpp"

#include "server/admin/codec.hpp"

#include "test_support.hpp"

#include <botan/der_enc.h>
#include <botan/pkix_types.h>

#include <boost/test/unit_test.hpp>

#include <fstream>

using namespace localca;
using namespace localca::server::admin;
namespace sa = localca::storage::admin;

namespace {

std::vector<std::uint8_t> subject(const std::string& cn) {
    Botan::X509_DN dn;
    dn.add_attribute("X520.CommonName", cn);
    dn.add_attribute("X520.Organization", "Org \"q\", Inc.");
    std::vector<std::uint8_t> der;
    Botan::DER_Encoder(der).encode(dn);
    return der;
}

std::vector<sa::inventory_row> odd_rows() {
    const std::string odd[] = {
        "plain",       "comma,here",        "quote\"s",
        "back\\slash", "line\nbreak\r",     std::string("ctl\x01\x1f\x7f", 6),
        "tab\there",   "\xc3\xa9t\xc3\xa9", ""};
    std::vector<sa::inventory_row> rows;
    std::int64_t sn = 100;
    for (const auto& s : odd) {
        sa::inventory_row r;
        r.sn = ++sn;
        r.authority = sn % 2 ? "RSA" : "ECC";
        r.api = "pki";
        r.profile = s.empty() ? "device" : s;
        r.status = sn % 3 == 0 ? 1 : 0;
        r.subject_der = subject(s.empty() ? "x" : s);
        if (sn % 4) {
            r.cn = s;
        }
        r.not_before = 1'700'000'000 + sn;
        r.not_after = 1'800'000'000 + sn * 1000;
        if (r.status == 1) {
            r.revoked_at = 1'750'000'000;
            r.reason = static_cast<int>(sn % 6);
        }
        if (sn % 2) {
            r.owner = sa::owner_fields{{"org", s}, {"device", std::nullopt}, {"k\"ey", "v"}};
        }
        rows.push_back(r);
    }
    return rows;
}

} // namespace

BOOST_AUTO_TEST_SUITE(server_admin_inventory_rows)

BOOST_AUTO_TEST_CASE(ndjson_line_is_the_serialised_item) {
    for (const auto now : {std::int64_t{1'800'050'000}, std::int64_t{1'900'000'000}}) {
        for (const auto& r : odd_rows()) {
            std::string line;
            append_ndjson_line(line, r, now);
            BOOST_TEST(line == boost::json::serialize(item_json(r, now)) + "\n");
        }
    }
}

BOOST_AUTO_TEST_CASE(csv_lines_read_back_with_python) {
    test::temp_dir dir;
    const auto rows = odd_rows();
    const std::int64_t now = 1'800'050'000;
    std::string text = k_inventory_csv_header;
    for (const auto& r : rows) {
        append_csv_line(text, r, now);
    }
    std::ofstream(dir / "rows.csv", std::ios::binary) << text;
    // One JSON array per record, as python3's csv module parsed it.
    const auto out = test::must_run(
        "python3 -c 'import csv, json, sys; "
        "[print(json.dumps(r)) for r in csv.reader(open(sys.argv[1], newline=\"\"))]' " +
        (dir / "rows.csv").string());
    std::istringstream lines(out);
    std::string line;
    std::getline(lines, line);
    BOOST_TEST(boost::json::parse(line).as_array().size() == 12u);
    for (const auto& r : rows) {
        BOOST_TEST_REQUIRE(static_cast<bool>(std::getline(lines, line)));
        const auto fields = boost::json::parse(line).as_array();
        BOOST_TEST_REQUIRE(fields.size() == 12u);
        BOOST_TEST(fields[0].as_string() == std::to_string(r.sn));
        BOOST_TEST(fields[3].as_string() == r.profile);
        BOOST_TEST(fields[4].as_string() == inventory_status(r, now));
        BOOST_TEST(fields[5].as_string() == item_json(r, now).at("subject").as_string());
        BOOST_TEST(fields[6].as_string() == r.cn.value_or(""));
        BOOST_TEST(fields[8].as_string() == rfc3339(r.not_after));
        BOOST_TEST(fields[11].as_string() ==
                   (r.owner ? "org=" + *(*r.owner)[0].second + ";k\"ey=v" : std::string()));
    }
    BOOST_TEST(!std::getline(lines, line));
}

BOOST_AUTO_TEST_SUITE_END()
